/* ISC license. */

/* tm-ctl's client verbs: they talk to running supervisors through their
   control FIFOs, status files, lock files and log rings. */

#ifndef TM_CTL_CLIENT_H
#define TM_CTL_CLIENT_H

#include "tm-ctl/common/ctl.h"

/* ctl_service.c */
extern int ctl_list (ctl_args_t const *a) ;
extern int ctl_status (ctl_args_t const *a) ;
extern int ctl_start (ctl_args_t const *a) ;
extern int ctl_stop (ctl_args_t const *a) ;
extern int ctl_restart (ctl_args_t const *a) ;
extern int ctl_signal (ctl_args_t const *a) ;
extern int ctl_wait (ctl_args_t const *a) ;
extern int ctl_health (ctl_args_t const *a) ;
extern int ctl_shutdown (ctl_args_t const *a) ;

/* ctl_logs.c */
extern int ctl_logs (ctl_args_t const *a) ;

#endif
