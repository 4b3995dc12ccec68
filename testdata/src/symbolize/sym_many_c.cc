#define PART_NS many_c
#include "sym_many_part.h"
