// libpg_query (Debian's libpg-query-dev): the PostgreSQL parser as a library.
#include <pg_query.h>
