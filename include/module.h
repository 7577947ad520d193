/*
 * module.h -- the adapters only some runs use, loaded when a run uses
 * them.
 *
 * The Matrix adapter (libcurl and the two dozen libraries under it, the
 * encryption library) and the terminal console (libedit) are shared
 * objects of ours, techpay-matrix.so and techpay-console.so, so that an
 * IRC-only daemon maps none of those libraries.  A module is looked for
 * beside the binary (the build directory), then in ../lib/techpay/ from
 * it (where make install puts it beside bin/); a missing one is a clear
 * error for the run that needs it, not a failure of every run.  The
 * binary exports its symbols (--export-dynamic): a module calls the core
 * as if it were linked in.  Tests and fuzzers link the adapters in and
 * load nothing (adapters.c).
 */
#ifndef TECHPAY_MODULE_H
#define TECHPAY_MODULE_H

#include <stddef.h>

/* where make install puts the modules, from the binary's directory */
#define MODULE_DIR	"../lib/techpay"

/* The address of sym in module name ("matrix": techpay-matrix.so), which
 * is loaded on the first call and kept; NULL with err saying why. */
void	*module_sym(const char *name, const char *sym, char *err,
	    size_t errlen);

#endif
