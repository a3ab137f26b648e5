#!/usr/bin/env python3
"""Generate a large, valid SystemTap script for parser benchmarks.

Usage: gen-large-script.py LINES > big.stp

The script mixes the constructs real scripts use (globals, functions,
probes with conditions, foreach with sorting, statistics, string
operations, preprocessor conditionals, macros) so the lexer, preprocessor
and parser all do representative work.  It only has to parse (-p1).
"""
import sys


def unit(i):
    return f"""global count_{i}, bytes_{i}[128], lat_{i}
@define twice_{i}(x) %( (@x) * 2 %)

function helper_{i}:long (a:long, b:string)
{{
	if (a > {i} && b != "x{i}") {{
		return a * @twice_{i}({i}) + strlen(b)
	}} else if (a < 0) {{
		return -a
	}}
	for (j = 0; j < a; j++)
		a += j % 3
	return a
}}

probe timer.ms({i % 1000 + 1}), begin if (count_{i} < 100)
{{
	count_{i}++
	bytes_{i}[execname(), pid()] <<< {i} + count_{i}
	lat_{i} = gettimeofday_us() - count_{i}
	msg = sprintf("%s:%d %x\\n", "unit{i}", count_{i}, lat_{i})
	%( kernel_v >= "2.6.30" %? msg .= "new" %: msg .= "old" %)
	try {{
		x = helper_{i}(count_{i}, msg)
	}} catch (err) {{
		println(err)
	}}
}}

probe end
{{
	foreach ([name, p] in bytes_{i}- limit 10)
		printf("%s %d %d %d\\n", name, p, @count(bytes_{i}[name, p]),
		       @avg(bytes_{i}[name, p]))
	delete bytes_{i}
}}

"""


def main():
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    per_unit = unit(0).count("\n")
    out = []
    i = 0
    while i * per_unit < lines:
        out.append(unit(i))
        i += 1
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
