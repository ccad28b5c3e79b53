/* ISC license. */

/* tm-ctl's importers: another supervisor's configuration in, the
   services.toml equivalent out. */

#ifndef TM_IMP_H
#define TM_IMP_H

#include "tm-ctl/common/ctl.h"

/* ctl_import.c: import-supervisord FILE */
extern int ctl_import_supervisord (ctl_args_t const *a) ;
/* ctl_import_procfile.c, ctl_import_s6.c */
extern int ctl_import_procfile (ctl_args_t const *a) ;
extern int ctl_import_s6 (ctl_args_t const *a) ;

#endif
