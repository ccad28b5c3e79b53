# Whole lines, atomically: two services writing 12,000-byte lines to a piped
# console. Each write to the pipe is at most PIPE_BUF (4096) bytes of whole
# lines, a long line goes in pieces each with its prefix (every piece but
# the last of the same size), and lines of the two never mix.
. "$(dirname "$0")/../lib.sh"
for c in a b ; do
  mksvc "$c" "python3 -c \"import sys
line = b'$c' * 12000 + b'\\\\n'
for _ in range(1500): sys.stdout.buffer.write(line)
sys.stdout.flush()
print('done-$c', flush=True)\" ; exec sleep 1000"
done
boot sh -c "tm-svscan -d $SD | cat > $T/console"
waitfor 10 test -e "$SD/.tm-svscan/status" || fail "tm-svscan did not start"  # it holds its lock: tm-ctl may wait
for c in a b ; do
  waitfor 30 grep -q "^\[$c\] done-$c\$" "$T/console" || fail "$c did not finish: $(tail -c 200 "$T/console")"
done
python3 - "$T/console" <<'PY' || fail "pieces"
import sys
pieces = {"a": [], "b": []}
for raw in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    assert len(raw) + 1 <= 4096, "a piece of %d bytes" % (len(raw) + 1)
    assert raw[:1] == b"[" and raw[2:4] == b"] ", "no prefix: %r" % raw[:20]
    c, body = raw[1:2].decode(), raw[4:]
    if body.startswith(b"done-"):
        continue
    assert body == c.encode() * len(body), "a mixed line under [%s]: %r" % (c, body[:40])
    pieces[c].append(len(body))
for c, lens in pieces.items():
    assert sum(lens) == 1500 * 12000, "%s: %d bytes of %d" % (c, sum(lens), 1500 * 12000)
    full = max(lens)
    # a line is its pieces: full ones, then one shorter (or full) that ends it
    lines, run = 0, 0
    for n in lens:
        run += n
        if n < full:
            assert run == 12000, "%s: a line of %d bytes" % (c, run)
            lines, run = lines + 1, 0
    assert lines == 1500, "%s: %d lines" % (c, lines)
PY
