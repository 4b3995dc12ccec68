#define PART_NS many_d
#include "sym_many_part.h"
