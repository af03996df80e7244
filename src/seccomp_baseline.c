/* Placeholder: replaced by the generated baseline accessor. */
#include "baseline_bpf.h"
int ward_seccomp_baseline_placeholder;
