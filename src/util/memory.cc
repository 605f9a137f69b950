// Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#include "util/memory.h"

#include <cstdlib>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace vigil::util {

void PreferHeapForLargeAllocations() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 512 << 20);  // below 512 MB: from the heap, not mmap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);    // keep up to 1 GB freed for reuse
#endif
}

void ReleaseFreeMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace vigil::util
