# Allocates through CPython's object and raw allocators, for the allocation-wrapper test:
# lists (list_resize, PyList_New), %-formatted strings, bytes (_PyBytes_FromSize) and dicts
# (new_keys_object). Writes a jemalloc heap dump while they are all alive (the final dump comes
# after finalization has freed them).
# usage: MALLOC_CONF=prof:true,... LD_PRELOAD=libjemalloc.so.2 python3.11 alloc_workload.py DUMP
import ctypes
import sys


def make_lists(n):
    out = []
    for i in range(n):
        out.append([i] * 50)
    return out


def make_strings(n):
    return ["memprof-%d-%s" % (i, "x" * (i % 300)) for i in range(n)]


def make_bytes(n):
    return [bytes(1000 + i % 100) for i in range(n)]


def make_dicts(n):
    return [{"k%d" % j: j for j in range(20)} for i in range(n)]


keep = [make_lists(20000), make_strings(20000), make_bytes(5000), make_dicts(3000)]
path = ctypes.c_char_p(sys.argv[1].encode())
rc = ctypes.CDLL(None).mallctl(b"prof.dump", None, None, ctypes.byref(path), ctypes.c_size_t(8))
sys.exit(0 if rc == 0 else 1)
