/* Placeholder: replaced by the seccomp generator. */
#include <stdio.h>
int
main(int argc, char **argv)
{
	FILE *f;

	if (argc != 3)
		return 2;
	f = fopen(argv[2], "w");
	if (f == NULL)
		return 1;
	fprintf(f, "/* placeholder */\n");
	return fclose(f) == 0 ? 0 : 1;
}
