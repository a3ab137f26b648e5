/* paths.h - where this stap finds its tapsets and runtime.
 *
 * Nothing about the build tree is compiled in: a stap run from the build
 * tree finds the tree's own tapsets/ and runtime/ next to its directory; an
 * installed stap finds PREFIX/share/systemtap relative to its own binary
 * (so a DESTDIR or relocated install works), then the configured
 * PKGDATADIR.  SYSTEMTAP_TAPSET and SYSTEMTAP_RUNTIME override, as upstream.
 */
#ifndef STAP_PATHS_H
#define STAP_PATHS_H

/* Directory holding the tapset library (*.stp, *.stpm). */
const char *paths_tapset_dir(void);
/* Directory holding the runtime sources; runtime_opt is -R or NULL. */
const char *paths_runtime_dir(const char *runtime_opt);

#endif
