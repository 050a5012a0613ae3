/*
** define.c: define.xml 2.0 (see define.h).  Not yet written.
*/
#include "define.h"

int define_xml(const struct frame_source *src, const struct ds_set *sdtm,
               const struct ds_set *adam, struct buf *out, struct err *e) {
  (void)src;
  (void)sdtm;
  (void)adam;
  (void)out;
  return ERR_SET(e, APP_EINTERNAL, "define.xml: not yet written");
}
