/* calloc for the whole compositor process: small zeroed blocks from glibc's thread cache. */
#include <stdlib.h>
#include <string.h>

/*
 * glibc before 2.41 serves every calloc from its arena bins and never from the per-thread
 * cache that malloc and free use. libwayland callocs a closure for every request it reads and
 * every event it sends, and a wl_resource for every frame callback: about ten blocks per frame
 * and client, each freed again at once. From the bins each costs a search and, when its
 * neighbours happen to be free, a split and a merge, so the cost of a frame also swung with the
 * heap's history (a third more after the keymap's compilation had churned the heap). Zeroed
 * blocks up to the cache's largest size are therefore malloc'd and cleared here; larger ones go
 * to glibc's calloc, which knows when fresh memory is zero already (output images).
 *
 * Defining calloc in the executable replaces it for every library the process loads. The
 * build leaves this file out under sanitizers (they replace the allocator themselves) and
 * where the C library has no __libc_malloc and __libc_calloc (not glibc).
 */

/* glibc's own entry points, exported for allocator wrappers and declared in no header. */
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);

/* glibc's thread cache holds blocks of up to 1032 bytes. */
#define CALLOC_CACHED_MAX 1024

void *calloc(size_t count, size_t size)
{
	size_t total;
	if (__builtin_mul_overflow(count, size, &total) || total > CALLOC_CACHED_MAX)
		return __libc_calloc(count, size);
	/* __libc_malloc, not malloc: the compiler would turn malloc and memset into calloc. */
	void *block = __libc_malloc(total);
	if (block)
		memset(block, 0, total);
	return block;
}
