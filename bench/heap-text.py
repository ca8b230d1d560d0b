#!/usr/bin/env python3
"""What the text in a heap dump is, and what holds it (issue 17: the caches' remaining memory is mostly strings).

usage: bench/heap-text.py DUMP.hprof [TOP=40] [--who HOLDER|CLASS [DEPTH=6]] [--caches]

A class histogram says how many bytes byte[] takes, not whose text it is. This reads an HPROF heap dump (jcmd PID
GC.heap_dump, or bench/scale.sh with BENCH_HEAPDUMP=FILE) and sums the byte[] of every String by
  - what refers to the String: the class and field (for a map entry, the map's key: the label or annotation name), and
  - the text's shape: runs of digits and of hex digits replaced, so "svc-123" and "svc-456" are one row.
A String referred to from several places is counted once, under the first referrer found.
--who HOLDER: for a few Strings of a holder row, the chain of objects that refer to them (who keeps that text).
--caches: the heap each informer store and JOSDK temporary cache holds (each object counted in the first store that
  reaches it, stores in the order of their size of entries).
--who CLASS (a class name, or [I or [C): how many of its instances each chain of referrers keeps (which caches hold them).
"""
import collections
import mmap
import re
import struct
import sys

BASIC = {2: 0, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}  # type -> size (0: an id)


def main():
    path = sys.argv[1]
    args = sys.argv[2:]
    caches = '--caches' in args
    args = [a for a in args if a != '--caches']
    who = None
    if '--who' in args:
        i = args.index('--who')
        who = args[i + 1]
        depth = int(args[i + 2]) if len(args) > i + 2 else 6
        args = args[:i]
    top = int(args[0]) if args else 40
    with open(path, 'rb') as f:
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    end_header = data.find(b'\0') + 1
    idsize = struct.unpack_from('>I', data, end_header)[0]
    BASIC[2] = idsize
    idfmt = '>Q' if idsize == 8 else '>I'

    def rid(pos):
        return struct.unpack_from(idfmt, data, pos)[0]

    names = {}         # utf8 id -> text
    class_name = {}    # class object id -> name id
    classes = {}       # class object id -> (super id, [(field name id, type)])
    strings = {}       # String object id -> value array id
    arrays = {}        # byte[] id -> (length, first bytes)
    heap_segments = []

    pos = end_header + 4 + 8
    while pos < len(data):
        tag = data[pos]
        length = struct.unpack_from('>I', data, pos + 5)[0]
        body = pos + 9
        if tag == 0x01:
            names[rid(body)] = data[body + idsize:body + length].decode('utf-8', 'replace')
        elif tag == 0x02:
            class_name[rid(body + 4)] = rid(body + 8 + idsize)
        elif tag in (0x0C, 0x1C):
            heap_segments.append((body, body + length))
        pos = body + length

    string_class = None
    for cid, nid in class_name.items():
        if names.get(nid) == 'java/lang/String':
            string_class = cid

    def skip_sub(p, sub, collect):
        """The position after the heap sub-record at p (its tag read already), collecting what pass 1 needs."""
        if sub == 0xFF or sub == 0x05 or sub == 0x07:
            return p + idsize
        if sub == 0x01:
            return p + 2 * idsize
        if sub in (0x02, 0x03, 0x08):
            return p + idsize + 8
        if sub in (0x04, 0x06):
            return p + idsize + 4
        if sub == 0x20:
            cid = rid(p)
            sup = rid(p + idsize + 4)
            q = p + 7 * idsize + 4 + 4
            (cp,) = struct.unpack_from('>H', data, q)
            q += 2
            for _ in range(cp):
                t = data[q + 2]
                q += 3 + BASIC[t]
            (st,) = struct.unpack_from('>H', data, q)
            q += 2
            for _ in range(st):
                t = data[q + idsize]
                q += idsize + 1 + BASIC[t]
            (nf,) = struct.unpack_from('>H', data, q)
            q += 2
            fields = []
            for _ in range(nf):
                fields.append((rid(q), data[q + idsize]))
                q += idsize + 1
            if collect:
                classes[cid] = (sup, fields)
            return q
        if sub == 0x21:
            oid = rid(p)
            cid = rid(p + idsize + 4)
            (n,) = struct.unpack_from('>I', data, p + 2 * idsize + 4)
            if collect == 'instances':
                instances.append((oid, cid, p + 2 * idsize + 8))
            return p + 2 * idsize + 8 + n
        if sub == 0x22:
            (n,) = struct.unpack_from('>I', data, p + idsize + 4)
            if collect == 'instances':
                obj_arrays.append((rid(p), p + 2 * idsize + 8, n))
            return p + 2 * idsize + 8 + n * idsize
        if sub == 0x23:
            (n,) = struct.unpack_from('>I', data, p + idsize + 4)
            t = data[p + idsize + 8]
            if collect == 'instances' and t in (5, 10):
                prim_arrays.append(({5: '[C', 10: '[I'}[t], rid(p)))
            if t == 8 and collect == 'arrays':
                arrays[rid(p)] = (n, bytes(data[p + idsize + 9:p + idsize + 9 + min(n, 160)]))
            return p + idsize + 9 + n * BASIC[t]
        raise SystemExit(f'unknown heap sub-record 0x{sub:02x} at {p}')

    # Pass 1: classes and byte arrays.
    for start, stop in heap_segments:
        p = start
        while p < stop:
            sub = data[p]
            p = skip_sub(p + 1, sub, 'arrays')
    for start, stop in heap_segments:
        p = start
        while p < stop:
            sub = data[p]
            p = skip_sub(p + 1, sub, True)

    layouts = {}

    def layout(cid):
        """[(offset, field name)] of the reference fields of an instance of cid, in dump order (own fields first)."""
        if cid in layouts:
            return layouts[cid]
        refs, off, c = [], 0, cid
        while c in classes:
            sup, fields = classes[c]
            for nid, t in fields:
                if t == 2:
                    refs.append((off, names.get(nid, '?')))
                off += BASIC[t]
            c = sup
        layouts[cid] = refs
        return refs

    def cname(cid):
        return names.get(class_name.get(cid), '?').replace('/', '.')

    # Pass 2: every instance's reference fields.
    instances, obj_arrays, prim_arrays = [], [], []
    for start, stop in heap_segments:
        p = start
        while p < stop:
            sub = data[p]
            p = skip_sub(p + 1, sub, 'instances')
    value_off = next(off for off, n in layout(string_class) if n == 'value')
    for oid, cid, fpos in instances:
        if cid == string_class:
            strings[oid] = rid(fpos + value_off)

    def text(sid):
        a = arrays.get(strings.get(sid))
        return a[1].decode('latin-1') if a else None

    def shape(t):
        t = re.sub(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uid>', t)
        t = re.sub(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z', '<time>', t)
        t = re.sub(r'\b[0-9a-z]{5}\b(?=$|")', '<rnd>', t)
        t = re.sub(r'[0-9a-f]{9,}', '<hex>', t)
        t = re.sub(r'\d+', '9', t)
        return t[:70]

    def held_by_caches():
        """Shallow sizes reachable from each cache's map, each object counted once (first cache to reach it)."""
        size, refs = {}, {}
        for oid, cid, fpos in instances:
            (n,) = struct.unpack_from('>I', data, fpos - 4)
            size[oid] = 16 + n
            refs[oid] = [rid(fpos + off) for off, _ in layout(cid)]
        for aid, apos, n in obj_arrays:
            size[aid] = 16 + n * idsize
            refs[aid] = [rid(apos + i * idsize) for i in range(n)]
        for sid, aid in strings.items():
            if aid in arrays:
                refs.setdefault(sid, []).append(aid)
                size[aid] = 16 + arrays[aid][0]
        roots = []
        for oid, cid, fpos in instances:
            name = cname(cid)
            if name.endswith('informers.cache.BasicItemStore') or name.endswith('informer.TemporaryResourceCache'):
                field = 'store' if 'BasicItemStore' in name else 'cache'
                chm = dict((n, rid(fpos + off)) for off, n in layout(cid)).get(field)
                roots.append((name.split('.')[-1], chm))
        claimed = set()
        rows = []
        for kind, chm in roots:
            total, count, what = 0, 0, collections.Counter()
            stack = [chm]
            while stack:
                o = stack.pop()
                if o in claimed or o not in size:
                    continue
                claimed.add(o)
                total += size[o]
                stack.extend(refs.get(o, ()))
            # what the entries are: classes of the objects directly under the map's nodes
            for o in list(claimed_from(chm, refs)):
                what[entry_class.get(o, '?')] += 1
            rows.append((total, kind, what.most_common(1)[0] if what else ('-', 0)))
        print('\nheap held by each cache (shallow sizes reachable, each object once):')
        for total, kind, (cls, n) in sorted(rows, reverse=True)[:top]:
            print(f'{total / 1e6:8.2f} MB  {kind:24} {n:>7,} x {cls}')

    entry_class = {oid: cname(cid).split('.')[-1] for oid, cid, _ in instances}

    def claimed_from(chm, refs):
        """The values of a ConcurrentHashMap: table -> nodes -> val (and next chains)."""
        out = []
        for table in refs.get(chm, ()):
            for node in refs.get(table, ()):
                while node in refs:
                    kids = refs[node]
                    for k in kids:
                        if k in entry_class and not entry_class[k].endswith('Node'):
                            out.append(k)
                    nxt = [k for k in kids if entry_class.get(k, '').endswith('Node')]
                    node = nxt[0] if nxt else None
        return out

    seen = set()
    first_holder = {}
    by_holder = collections.Counter()
    count_holder = collections.Counter()
    by_shape = collections.Counter()
    total_string_bytes = 0
    entry_kinds = ('java.util.HashMap$Node', 'java.util.LinkedHashMap$Entry', 'java.util.TreeMap$Entry',
                   'java.util.concurrent.ConcurrentHashMap$Node')

    def account(sid, holder):
        nonlocal total_string_bytes
        if sid in seen or sid not in strings:
            return
        seen.add(sid)
        first_holder.setdefault(holder, []).append(sid)
        a = arrays.get(strings[sid])
        if not a:
            return
        size = 16 + a[0] + 24  # the array (header + bytes) and the String object
        total_string_bytes += size
        by_holder[holder] += size
        count_holder[holder] += 1
        by_shape[(holder, shape(a[1].decode('latin-1')))] += size

    for oid, cid, fpos in instances:
        if cid == string_class:
            continue
        name = cname(cid)
        refs = layout(cid)
        if name in entry_kinds:
            fields = {n: rid(fpos + off) for off, n in refs}
            key = fields.get('key')
            ktext = text(key) if key in strings else None
            account(key, name.split('.')[-1] + '.key')
            holder = f'map value of "{shape(ktext)}"' if ktext is not None else name.split('.')[-1] + '.value'
            account(fields.get('value'), holder)
            continue
        for off, n in refs:
            ref = rid(fpos + off)
            if ref in strings:
                account(ref, f'{name}.{n}')
    for aid, apos, n in obj_arrays:
        for i in range(n):
            ref = rid(apos + i * idsize)
            if ref in strings:
                account(ref, 'Object[] element')

    byte_arrays = sum(16 + a[0] for a in arrays.values())
    print(f'byte[]: {len(arrays):,} arrays, {byte_arrays / 1e6:.1f} MB; Strings reached: {len(seen):,}, '
          f'{total_string_bytes / 1e6:.1f} MB with their String objects')
    print(f'\nby holder (top {top}):')
    for holder, size in by_holder.most_common(top):
        print(f'{size / 1e6:8.2f} MB {count_holder[holder]:>9,}  {holder}')
    print(f'\nby holder and shape (top {top}):')
    for (holder, sh), size in by_shape.most_common(top):
        print(f'{size / 1e6:8.2f} MB  {holder[-50:]:50}  {sh}')
    unreferenced = byte_arrays - sum(16 + arrays[strings[s]][0] for s in seen if strings[s] in arrays)
    print(f'\nbyte[] not the text of a String reached above: {unreferenced / 1e6:.1f} MB')
    if caches:
        held_by_caches()
    if not who:
        return
    # Who keeps the text of a holder row: walk referrers up from its three largest Strings, one scan of the heap per level.
    largest = sorted(first_holder.get(who, []), key=lambda sid: -arrays[strings[sid]][0])
    targets = {sid: [] for sid in largest[:3]}
    of_class = [oid for oid, cid, _ in instances if cname(cid) == who] + [oid for t, oid in prim_arrays if t == who]
    if of_class:
        targets = {oid: [] for oid in of_class}
    chains = {sid: [sid] for sid in targets}
    frontier = set(targets)
    label = {}
    for _ in range(depth):
        parent = {}
        for oid, cid, fpos in instances:
            for off, n in layout(cid):
                ref = rid(fpos + off)
                if ref in frontier and ref not in parent:
                    parent[ref] = oid
                    label[oid] = f'{cname(cid)}.{n}'
        for aid, apos, n in obj_arrays:
            for i in range(n):
                ref = rid(apos + i * idsize)
                if ref in frontier and ref not in parent:
                    parent[ref] = aid
                    label[aid] = 'Object[]'
        frontier = set()
        for sid, chain in chains.items():
            up = parent.get(chain[-1])
            if up is not None and up not in chain:
                chain.append(up)
                frontier.add(up)
        if not frontier:
            break
    if of_class:
        short = lambda oid: re.sub(r'^.*\.(?=[^.]+\.[^.]+$)', '', label.get(oid, '?'))  # Class.field
        kept_by = collections.Counter(' <- '.join(short(o) for o in chain[1:]) for chain in chains.values())
        print(f'\n{len(of_class):,} instances of {who}, by the chain of objects that keep them:')
        for chain, count in kept_by.most_common(top):
            print(f'{count:>9,}  {chain}')
        return
    for sid, chain in chains.items():
        print(f'\n{who}: "{(text(sid) or "")[:60]!r}" is kept by')
        for oid in chain[1:]:
            print(f'  {label.get(oid, "?")}')


if __name__ == '__main__':
    main()
