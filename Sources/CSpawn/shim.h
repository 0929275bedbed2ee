#include <spawn.h>

/* glibc (2.34 and later) declares this only under _GNU_SOURCE, which Swift's Glibc module does
   not set. The spawned child closes every descriptor from `from` up. */
static inline int zava_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *, int);
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
