/* ISC license. */

/* The user and group databases, read from /etc/passwd and /etc/group
   directly (fgetpwent, fgetgrent): no NSS, so that a static tm-ctl works in
   any container image and a lookup cannot hang on a network directory. */

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm_userdb.h"

static int copy_user (struct passwd const *pw, userinfo_t *u)
{
  u->uid = pw->pw_uid ;
  u->gid = pw->pw_gid ;
  u->name = strdup(pw->pw_name) ;
  u->home = strdup(pw->pw_dir && *pw->pw_dir ? pw->pw_dir : "/") ;
  return u->name && u->home ;
}

/* by name if name, else by uid; 1 found, 0 not */
int userdb_user (char const *name, uid_t uid, userinfo_t *u)
{
  FILE *f = fopen("/etc/passwd", "r") ;
  struct passwd *pw ;
  int found = 0 ;
  if (!f) return 0 ;
  while ((pw = fgetpwent(f)))
    if (name ? !strcmp(pw->pw_name, name) : pw->pw_uid == uid) { found = copy_user(pw, u) ; break ; }
  fclose(f) ;
  return found ;
}

int userdb_group (char const *name, gid_t *gid)
{
  FILE *f = fopen("/etc/group", "r") ;
  struct group *gr ;
  int found = 0 ;
  if (!f) return 0 ;
  while ((gr = fgetgrent(f)))
    if (!strcmp(gr->gr_name, name)) { *gid = gr->gr_gid ; found = 1 ; break ; }
  fclose(f) ;
  return found ;
}

/* the primary gid, then every group listing the user as a member */
gid_t *userdb_groups (char const *user, gid_t gid, int *n)
{
  FILE *f = fopen("/etc/group", "r") ;
  struct group *gr ;
  gid_t *list = malloc(sizeof(gid_t)) ;
  if (!list) return 0 ;
  list[0] = gid ;
  *n = 1 ;
  if (!f) return list ;
  while ((gr = fgetgrent(f)))
  {
    int member = 0 ;
    if (gr->gr_gid == gid) continue ;
    for (char **m = gr->gr_mem ; m && *m ; m++) if (!strcmp(*m, user)) { member = 1 ; break ; }
    if (!member) continue ;
    list = realloc(list, (*n + 1) * sizeof(gid_t)) ;
    if (!list) break ;
    list[(*n)++] = gr->gr_gid ;
  }
  fclose(f) ;
  return list ;
}
