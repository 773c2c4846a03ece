#pragma once
// Transparent huge pages for the heap. Loading a 10^5-service estate
// allocates some 500 MB in small pieces, and touching each 4 KiB page for
// the first time cost about 150,000 page faults, a fifth of a replay's
// time; with glibc's malloc backing the heap by 2 MiB pages they fall to a
// few thousand (validate 3.9 s to 3.1 s, analyze 23 s to 17 s). glibc reads
// the setting from the environment only as a process starts, so the
// command starts itself again, once, with it set.

namespace faultline::cli {

// Restarts the program with glibc.malloc.hugetlb=1 added to GLIBC_TUNABLES,
// unless that already names glibc.malloc.hugetlb (the user's choice: 0
// turns it off), the C library is not glibc, the program runs set-user-id,
// or the restart fails; then it returns and the program goes on as it is.
// A tool that starts faultline through something else, such as valgrind
// (without --trace-children=yes) or the dynamic loader run by hand, loses
// sight of it at the restart: set glibc.malloc.hugetlb=0 under those.
void restart_with_huge_pages(char** argv);

}  // namespace faultline::cli
