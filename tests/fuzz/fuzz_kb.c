/*
 * fuzz_kb.c -- libFuzzer: any bytes as one knowledge file next to the
 * real ones (the embedded copy), so the loader's checks run on hostile
 * JSON: a role, the skills catalogue, or the sources, picked by the first
 * byte.  A kb that loads must also index.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "kb.h"

extern const struct kb_file kb_embedded_files[];
extern const int kb_embedded_nfiles;

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "roles/fuzz.json", "skills.json",
	    "sources.json", "categories.json", "topics.json" };
	static char err[KB_ERR_MAX];
	struct kb_file *f;
	struct kb *kb;
	struct index *ix;
	int i, n = kb_embedded_nfiles, which, slot = -1;

	if (size < 1)
		return 0;
	which = data[0] % 5;
	f = calloc((size_t)n + 1, sizeof(*f));
	for (i = 0; i < n; i++) {
		f[i] = kb_embedded_files[i];
		if (strcmp(f[i].name, names[which]) == 0)
			slot = i;
	}
	if (slot < 0)
		slot = n++;
	f[slot].name = names[which];
	f[slot].data = (const char *)data + 1;
	f[slot].len = size - 1;
	kb = kb_load_files(f, n, err, sizeof(err));
	if (kb) {
		ix = index_new(kb, NULL, err, sizeof(err));
		if (ix == NULL)
			abort();	/* a valid kb must index */
		index_free(ix);
		kb_free(kb);
	}
	free(f);
	return 0;
}
