/*
** odm.c: CDISC ODM 1.3.2 (see odm.h).  Not yet written.
*/
#include "odm.h"

int odm_export(const struct frame_source *src, FILE *fp, struct err *e) {
  (void)src;
  (void)fp;
  return ERR_SET(e, APP_EINTERNAL, "ODM: not yet written");
}
