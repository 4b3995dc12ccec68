#define PART_NS many_a
#include "sym_many_part.h"
