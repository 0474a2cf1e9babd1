#include "reassembly/table.hpp"
