#!/usr/bin/python3
"""Helpers of tests/fleet/run: reads what Buildbot recorded (the master's
sqlite database) and asserts on it.

  fleet.py port                       print a free TCP port on 127.0.0.1
  fleet.py wait DB N SECONDS [BUILDER]  wait until N builds (of BUILDER) are complete
  fleet.py snapshot DIR OUT EXCLUDE...  record every file under DIR (mode,
                                        size, digest, link target) in OUT
  fleet.py compare OLD NEW            list what differs; status 1 if anything
  fleet.py send MASTER CATEGORY N REPO REV   send N changes in one connection
  fleet.py check DB PHASE ARGS...     the assertions, as TAP lines
  fleet.py bench DB BUILDER WALL      BUILDER's builds, with the WALL time measured
"""
import hashlib
import json
import os
import socket
import sqlite3
import sys
import time
import zlib
import bz2

SUCCESS, WARNINGS, FAILURE, SKIPPED, EXCEPTION, RETRY, CANCELLED = range(7)


def db_open(path):
    con = sqlite3.connect('file:%s?mode=ro' % path, uri=True, timeout=30)
    con.row_factory = sqlite3.Row
    return con


def q(path, sql, *args):
    for attempt in range(20):
        try:
            con = db_open(path)
            try:
                return con.execute(sql, args).fetchall()
            finally:
                con.close()
        except sqlite3.OperationalError:
            if attempt == 19:
                raise
            time.sleep(0.5)


def builds(db, builder=None):
    sql = ('select b.id, b.number, b.results, b.state_string, b.started_at, b.complete_at, '
           'w.name as worker, bu.name as builder from builds b join workers w on b.workerid = w.id '
           'join builders bu on b.builderid = bu.id')
    if builder:
        return q(db, sql + ' where bu.name = ? order by b.id', builder)
    return q(db, sql + ' order by b.id')


def steps(db, buildid):
    return q(db, 'select * from steps where buildid = ? order by number', buildid)


def log_text(db, stepid, name):
    logs = q(db, 'select id, type from logs where stepid = ? and name = ?', stepid, name)
    if not logs:
        return None
    out = []
    for ch in q(db, 'select content, compressed from logchunks where logid = ? order by first_line',
                logs[0]['id']):
        data = ch['content']
        if ch['compressed'] == 1:
            data = zlib.decompress(data)
        elif ch['compressed'] == 2:
            data = bz2.decompress(data)
        if isinstance(data, bytes):
            data = data.decode('utf-8', 'replace')
        out.append(data)
    text = ''.join(out)
    if logs[0]['type'] == 's':  # stdio: each line starts with o, e or h
        text = '\n'.join(ln[1:] for ln in text.split('\n'))
    return text


def cmd_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    print(s.getsockname()[1])
    s.close()


def cmd_wait(db, n, seconds, builder=None):
    n, deadline = int(n), time.time() + float(seconds)
    done = []
    while time.time() < deadline:
        try:
            done = [b for b in builds(db, builder) if b['complete_at'] is not None]
            pending = q(db, 'select count(*) from buildrequests where complete = 0')[0][0]
        except sqlite3.OperationalError:
            done, pending = [], 1
        if len(done) >= n and pending == 0:
            return 0
        time.sleep(0.2)
    print('fleet.py: timed out waiting for %d builds, %d complete' % (n, len(done)), file=sys.stderr)
    return 1


def cmd_snapshot(top, out, *exclude):
    exclude = [os.path.join(top, e) for e in exclude]
    rec = {}
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) not in exclude]
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            if p in exclude:
                continue
            st = os.lstat(p)
            entry = [st.st_mode, st.st_uid]
            if os.path.islink(p):
                entry.append(os.readlink(p))
            elif os.path.isfile(p):
                entry.append(st.st_size)
                with open(p, 'rb') as f:
                    entry.append(hashlib.sha256(f.read()).hexdigest())
            rec[os.path.relpath(p, top)] = entry
    with open(out, 'w') as f:
        json.dump(rec, f)


def cmd_compare(old, new):
    a, b = json.load(open(old)), json.load(open(new))
    diff = sorted(set(a) ^ set(b)) + sorted(k for k in set(a) & set(b) if a[k] != b[k])
    for k in diff:
        print('changed: %s (%s -> %s)' % (k, a.get(k), b.get(k)))
    return 1 if diff else 0


def cmd_send(master, category, n, repo, rev):
    # What `buildbot sendchange` does, N times over one connection.
    from twisted.internet import defer, reactor
    from buildbot.clients import sendchange

    @defer.inlineCallbacks
    def go():
        s = sendchange.Sender(master, auth=('fleet', 'fleetpw'))
        try:
            for i in range(int(n)):
                yield s.send(branch='master', revision=rev, comments='bench %d' % i,
                             files=['Makefile'], who='fleet', category=category,
                             repository=repo)
        finally:
            reactor.stop()
    reactor.callWhenRunning(go)
    reactor.run()


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, what, detail=''):
        self.n += 1
        if cond:
            print('ok %d - %s' % (self.n, what))
        else:
            self.failed += 1
            print('not ok %d - %s' % (self.n, what))
            for ln in str(detail).splitlines()[:30]:
                print('#   ' + ln)
        sys.stdout.flush()
        return cond


def sbx_steps(db, b):
    # Every step but Buildbot's own preparation and the worker's git checkout.
    return [s for s in steps(db, b['id']) if s['name'] not in ('worker_preparation', 'checkout')]


def check_sandboxed(t, db, b, s):
    """The step ran in sbx: its log shows the sandbox from inside, and sbx's
    report is attached."""
    out = log_text(db, s['id'], 'stdio') or ''
    banner = [ln for ln in out.splitlines() if ln.startswith('sbx-step: hostname')]
    t.ok(banner and 'hostname sbx;' in banner[0] and 'CapEff: 0000000000000000' in banner[0]
         and 'Seccomp: 2' in banner[0] and 'NoNewPrivs: 1' in banner[0],
         '%s #%d %s (%s): ran in sbx: %s' % (b['builder'], b['number'], s['name'], b['worker'],
                                             banner[0] if banner else 'no banner'), out)
    rep = log_text(db, s['id'], 'sbx-status')
    try:
        report = json.loads(rep) if rep else None
    except ValueError:
        report = None
    t.ok(report is not None and 'exit-code' in report and 'max-rss' in report,
         '%s #%d %s: sbx status report attached (exit-code %s)' % (
             b['builder'], b['number'], s['name'], report and report.get('exit-code')), rep)
    return report


def cmd_check(db, phase, *args):
    t = Tap()
    if phase == 'phase1':
        n_proj = int(args[0])
        pb = builds(db, 'proj')
        t.ok(len(pb) == n_proj and all(b['results'] == SUCCESS for b in pb),
             'proj: %d builds, all success (%s)' % (len(pb), ', '.join(
                 '#%d %s %s' % (b['number'], b['worker'], b['state_string']) for b in pb)))
        workers = sorted(set(b['worker'] for b in pb))
        t.ok(len(workers) == 2, 'proj: builds ran on both workers (%s)' % ', '.join(workers))
        for b in pb:
            for s in sbx_steps(db, b):
                check_sandboxed(t, db, b, s)
                t.ok(s['results'] == SUCCESS, 'proj #%d %s: success (%s)' % (
                    b['number'], s['name'], s['state_string']))
            test = [s for s in steps(db, b['id']) if s['name'] == 'test']
            out = log_text(db, test[0]['id'], 'stdio') if test else ''
            t.ok('PASSED' in (out or ''), 'proj #%d: make check ran the tests' % b['number'], out)

        fb = builds(db, 'fail')
        t.ok(len(fb) == 1 and fb[0]['results'] == FAILURE,
             'fail: the build with a failing test is a failure (%s)' % (fb and fb[0]['state_string']))
        for b in fb:
            st = {s['name']: s for s in steps(db, b['id'])}
            t.ok(st['build']['results'] == SUCCESS and st['test']['results'] == FAILURE,
                 'fail: build step success, test step failure: %s' % st['test']['state_string'])
            check_sandboxed(t, db, b, st['test'])

        tb = builds(db, 'timeout')
        for b in tb:
            s = [s for s in steps(db, b['id']) if s['name'] == 'hang'][0]
            rep = check_sandboxed(t, db, b, s)
            t.ok(b['results'] == FAILURE and s['results'] == FAILURE and 'timed out' in s['state_string']
                 and rep and rep.get('timed-out') is True and rep.get('exit-code') == 124,
                 'timeout: reported as a timeout: %s' % s['state_string'])
        t.ok(len(tb) == 1, 'timeout: one build')

        lb = builds(db, 'limits')
        t.ok(len(lb) == 1 and lb[0]['results'] == FAILURE, 'limits: one build, a failure')
        for b in lb:
            st = {s['name']: s for s in steps(db, b['id'])}
            for name in ('memory', 'pids', 'signal'):
                check_sandboxed(t, db, b, st[name])
            rep = json.loads(log_text(db, st['memory']['id'], 'sbx-status') or '{}')
            how = rep.get('limits', {}).get('memory', {}).get('how')
            m = st['memory']['state_string']
            t.ok(st['memory']['results'] == FAILURE and 'memory limit' in m and
                 (how != 'rlimit' or 'RLIMIT_AS' in m and 'no cgroup' in m),
                 'limits: memory step reported as stopped by the limit (%s): %s' % (how, m))
            rep = json.loads(log_text(db, st['pids']['id'], 'sbx-status') or '{}')
            how = rep.get('limits', {}).get('pids', {}).get('how')
            p = st['pids']['state_string']
            t.ok(st['pids']['results'] == FAILURE and 'pids limit' in p and
                 (how not in ('rlimit', 'rlimit-per-uid') or 'RLIMIT_NPROC' in p),
                 'limits: pids step reported as stopped by the limit (%s): %s' % (how, p))
            g = st['signal']['state_string']
            t.ok(st['signal']['results'] == FAILURE and 'killed by signal 11 (SIGSEGV)' in g,
                 'limits: a step killed by a signal says which: %s' % g)

        eb = builds(db, 'sbxerr')
        for b in eb:
            s = [s for s in steps(db, b['id']) if s['name'] == 'badbind'][0]
            t.ok(b['results'] == EXCEPTION and s['results'] == EXCEPTION and 'sbx: ' in s['state_string'],
                 'sbxerr: sbx failing (125) is an exception with its message: %s' % s['state_string'])
        t.ok(len(eb) == 1, 'sbxerr: one build')

        gb = builds(db, 'forged')
        t.ok(len(gb) == 1 and gb[0]['results'] == FAILURE,
             'forged: one build, a failure, not an exception (%s)' % (gb and gb[0]['state_string']))
        for b in gb:
            st = {s['name']: s for s in steps(db, b['id'])}
            for name, status in (('fake125', 125), ('fake124', 124)):
                s = st.get(name)
                if not s:
                    t.ok(False, 'forged: step %s ran' % name)
                    continue
                rep = check_sandboxed(t, db, b, s)
                text = s['state_string']  # the command (shortened), then the summary
                t.ok(s['results'] == FAILURE and text.rsplit(': ', 1)[-1] == 'failed with status %d (failure)' % status
                     and rep and rep.get('sbx-failed') is False and rep.get('timed-out') is False,
                     'forged: its own %d with a fake sbx message is a plain failure: %s' % (status, text))
    elif phase == 'hostile':
        port, same = args[0], args[1] == '0'
        hb = builds(db, 'hostile')
        t.ok(len(hb) == 1 and hb[0]['results'] == SUCCESS, 'hostile: one build, completed')
        for b in hb:
            s = [s for s in steps(db, b['id']) if s['name'] == 'hostile'][0]
            check_sandboxed(t, db, b, s)
            out = log_text(db, s['id'], 'stdio') or ''
            t.ok(('connect 127.0.0.1:%s: refused' % port) in out,
                 "hostile: the master's port 127.0.0.1:%s is out of reach" % port, out)
            t.ok('kill' in out and ': done' not in ''.join(ln for ln in out.splitlines() if ln.startswith('kill')),
                 'hostile: could not signal the worker or master processes', out)
            t.ok('write: own build dir: done' in out, 'hostile: could write its own build dir', out)
            tried = [ln for ln in out.splitlines() if ln.startswith('write: /')]
            t.ok(len(tried) >= 10 and all(ln.endswith(': refused') for ln in tried),
                 'hostile: each of %d writes outside its build dir was refused '
                 "(the master's database among them, which the tree comparison leaves out)" % len(tried), out)
        t.ok(same, 'hostile: nothing outside its own build dir changed '
             "(worker basedirs, another builder's dir, the master's files, ~/.ssh, the repository)")
    print('1..%d' % t.n)
    print('# %d passed, %d failed' % (t.n - t.failed, t.failed))
    return 1 if t.failed else 0


def cmd_bench(db, builder, wall):
    bs = builds(db, builder)
    ok = sum(1 for b in bs if b['results'] == SUCCESS)
    per = {}
    for b in bs:
        per[b['worker']] = per.get(b['worker'], 0) + 1
    print(json.dumps({'builds': len(bs), 'success': ok, 'wall': float(wall), 'per-worker': per,
                      'mean-build': sum(b['complete_at'] - b['started_at'] for b in bs) / len(bs)}))


def main(argv):
    cmds = {'port': cmd_port, 'wait': cmd_wait, 'snapshot': cmd_snapshot, 'compare': cmd_compare,
            'send': cmd_send, 'check': cmd_check, 'bench': cmd_bench}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[argv[1]](*argv[2:]) or 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
