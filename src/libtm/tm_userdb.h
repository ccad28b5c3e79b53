/* ISC license. */

#ifndef TM_USERDB_H
#define TM_USERDB_H

#include <sys/types.h>

typedef struct userinfo_s userinfo_t ;
struct userinfo_s
{
  uid_t uid ;
  gid_t gid ;
  char *name ;                  /* malloc'ed */
  char *home ;
} ;

extern int userdb_user (char const *name, uid_t uid, userinfo_t *u) ;
extern int userdb_group (char const *name, gid_t *gid) ;
extern gid_t *userdb_groups (char const *user, gid_t gid, int *n) ;

#endif
