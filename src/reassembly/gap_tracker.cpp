#include "reassembly/gap_tracker.hpp"
