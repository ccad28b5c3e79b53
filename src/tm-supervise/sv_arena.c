/* ISC license. */

/* tm-supervise's allocator in the static release. Everything it allocates
   is allocated at start-up and kept (the loop allocates nothing: a test
   checks), so a bump allocator over a static arena, whose pages are
   touched only as they are used, does the job; it saves an idle supervisor
   the heap page and the page musl's allocator maps for its groups. The
   last block is given back when freed (opendir then closedir, at
   start-up); a need bigger than what is left gets pages of its own. Not
   in other builds: the sanitizers and the allocation-counting test hook
   the libc's allocator. */

#include <sys/mman.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#define ARENA 16384

typedef struct head_s head_t ;
struct head_s
{
  size_t size ;                 /* what was asked */
  size_t span ;                 /* what it takes, header included; 0 in the arena... */
  size_t mapped ;               /* ... or its own pages */
  size_t pad ;                  /* the blocks stay 16-byte aligned */
} ;

/* not aligned: .bss is sorted by alignment, so the arena is its last
   variable and its first blocks share the page of the last small ones */
static char arena_bytes[ARENA + 15] __attribute__((aligned(1))) ;
#define arena ((char *)(((uintptr_t)arena_bytes + 15) & ~(uintptr_t)15))
static size_t used = 0 ;

/* malloc's body, by another name: gcc -O2 turns malloc then memset into a
   call to calloc, which would be calloc calling itself */
static void *arena_alloc (size_t n)
{
  size_t span ;
  head_t *h ;
  if (n > SIZE_MAX / 2) { errno = ENOMEM ; return 0 ; }
  span = (sizeof(head_t) + n + 15) & ~(size_t)15 ;
  if (used + span <= ARENA)
  {
    h = (head_t *)(arena + used) ;
    used += span ;
    h->mapped = 0 ;
  }
  else
  {
    void *p = mmap(0, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ;
    if (p == MAP_FAILED) { errno = ENOMEM ; return 0 ; }
    h = p ;
    h->mapped = span ;
  }
  h->size = n ;
  h->span = span ;
  return h + 1 ;
}

void *malloc (size_t n)
{
  return arena_alloc(n) ;
}

void free (void *p)
{
  head_t *h ;
  if (!p) return ;
  h = (head_t *)p - 1 ;
  if (h->mapped) munmap(h, h->mapped) ;
  else if ((char *)h + h->span == arena + used) used -= h->span ;
}

void *calloc (size_t n, size_t m)
{
  void *p ;
  if (m && n > SIZE_MAX / 2 / m) { errno = ENOMEM ; return 0 ; }
  p = arena_alloc(n * m) ;
  if (p) memset(p, 0, n * m) ;
  return p ;
}

void *realloc (void *p, size_t n)
{
  head_t *h ;
  void *q ;
  if (!p) return malloc(n) ;
  h = (head_t *)p - 1 ;
  if (n <= h->size) return p ;
  q = malloc(n) ;
  if (!q) return 0 ;
  memcpy(q, p, h->size) ;
  free(p) ;
  return q ;
}

void *aligned_alloc (size_t align, size_t n)
{
  (void)align ;
  if (align > 16) { errno = EINVAL ; return 0 ; }
  return malloc(n) ;
}

int posix_memalign (void **res, size_t align, size_t n)
{
  void *p ;
  if (align > 16) return EINVAL ;
  p = malloc(n) ;
  if (!p) return ENOMEM ;
  *res = p ;
  return 0 ;
}

size_t malloc_usable_size (void *p)
{
  return p ? ((head_t *)p - 1)->size : 0 ;
}
