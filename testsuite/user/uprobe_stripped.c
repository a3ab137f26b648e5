/* uprobe_stripped: a dynamic PIE with no .symtab and no DWARF (run with
 * the host's loader and libc, which the case copies in); the functions the dynamic
 * symbol table exports (-rdynamic) are still found. */
__attribute__((noipa)) long triple(long v)
{
	return 3 * v;
}

int main(void)
{
	return triple(14) == 42 ? 0 : 1;
}
