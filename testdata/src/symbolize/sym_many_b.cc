#define PART_NS many_b
#include "sym_many_part.h"
