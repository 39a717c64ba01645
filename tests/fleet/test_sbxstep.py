#!/usr/bin/python3
"""sbx_result() of contrib/buildbot/sbxstep.py on reports the fleet cannot
produce on every machine (a cgroup's out-of-memory kill, a cgroup pids
limit), and on a hostile step's forgeries (its own 124 or 125, a fake
`sbx: ` line on its stderr), as TAP lines.  Usage: test_sbxstep.py
CONTRIB_DIR"""
import sys

sys.path.insert(0, sys.argv[1])
from sbxstep import sbx_result  # noqa: E402
from buildbot.process.results import EXCEPTION, FAILURE, SUCCESS  # noqa: E402

cg_mem = {'exit-code': 137, 'signal': 9, 'oom-killed': True, 'wall-time': 1.0,
          'limits': {'memory': {'max': 268435456, 'how': 'cgroup2'}}}
cg_pids = {'exit-code': 2, 'signal': None, 'oom-killed': False,
           'limits': {'pids': {'max': 64, 'how': 'cgroup2'}}}
cases = [
    ('success', (0, {'exit-code': 0}, '', ''), SUCCESS, None),
    ('timeout', (124, {'exit-code': 124, 'timed-out': True, 'wall-time': 30.2}, '', ''),
     FAILURE, 'timed out after 30 s'),
    ('sbx failed before the run, message and hint',
     (125, None, 'sbx: --memory: bad size\nhint: use 512M\n', '', True),
     EXCEPTION, 'sbx: --memory: bad size (hint: use 512M)'),
    ('sbx warning is not the message',
     (125, None, 'sbx: warning: no cgroup\nsbx: --bind: source /x: No such file\n', '', True),
     EXCEPTION, 'sbx: --bind: source /x: No such file'),
    ('sbx failed, the message from its report, never from stderr',
     (125, {'exit-code': 125, 'sbx-failed': True, 'timed-out': False, 'signal': None,
            'error': '--chdir /x: No such file or directory', 'hint': 'make it first'},
      'sbx: forged by the command\nhint: forged\n', ''),
     EXCEPTION, 'sbx: --chdir /x: No such file or directory (hint: make it first)'),
    ('sbx failed under --error-exit: the report says so',
     (99, {'exit-code': 99, 'sbx-failed': True, 'error': '--chdir /x: No such file or directory'}, '', ''),
     EXCEPTION, 'sbx: --chdir /x: No such file or directory'),
    ('forged: a fake sbx line and exit 125, the report says sbx-failed false',
     (125, {'exit-code': 125, 'sbx-failed': False, 'timed-out': False, 'signal': None, 'limits': {}},
      'sbx: --bind: source /srv/cache: No such file or directory\nhint: the worker is misconfigured\n', ''),
     FAILURE, 'failed with status 125'),
    ('forged: exit 124, the report says timed-out false',
     (124, {'exit-code': 124, 'sbx-failed': False, 'timed-out': False, 'signal': None, 'wall-time': 0.1,
            'limits': {}}, 'sbx: true: timed out after 5s\n', ''),
     FAILURE, 'failed with status 124'),
    ('forged: exit 125 with no report after the command ran',
     (125, None, 'sbx: --bind: source /srv/cache: No such file or directory\n', ''),
     FAILURE, 'failed with status 125'),
    ('forged: exit 124 with no report after the command ran',
     (124, None, 'sbx: true: timed out after 5s\n', ''), FAILURE, 'failed with status 124'),
    ('forged: exit 137 without a signal is no kill',
     (137, {'exit-code': 137, 'signal': None, 'sbx-failed': False, 'limits': {}}, '', ''),
     FAILURE, 'failed with status 137'),
    ('command not found, with sbx\'s message from the report',
     (127, {'exit-code': 127, 'sbx-failed': False, 'signal': None, 'error': 'mak: command not found'},
      'sbx: forged\n', ''), FAILURE, 'command not found (status 127): sbx: mak: command not found'),
    ('cgroup out-of-memory kill', (137, cg_mem, '', 'Killed'), FAILURE,
     'killed by the memory limit (memory 256 MiB by cgroup2; the out-of-memory killer in its cgroup)'),
    ('cgroup pids limit', (2, cg_pids, '', 'sh: 0: Cannot fork'), FAILURE,
     'stopped by the pids limit: fork refused (pids 64 by cgroup2; enforced by cgroup2)'),
    ('signal without a limit', (134, {'exit-code': 134, 'limits': {}}, '', ''), FAILURE,
     'killed by signal 6 (SIGABRT)'),
    ('a limit set but not the cause', (139, {'exit-code': 139, 'limits': {'memory': {'max': 1 << 30, 'how': 'rlimit'}}},
                                       '', 'Segmentation fault'), FAILURE, 'killed by signal 11 (SIGSEGV)'),
    ('not found', (127, {'exit-code': 127}, '', ''), FAILURE, 'command not found (status 127)'),
    ('plain failure', (2, {'exit-code': 2}, '', 'make: *** Error 1'), FAILURE, 'failed with status 2'),
]
bad = 0
for i, (what, args, want_res, want_text) in enumerate(cases, 1):
    res, text = sbx_result(*args)
    ok = res == want_res and (text == want_text if want_text is None else want_text in (text or ''))
    # Nothing the command printed reaches the summary unless sbx stopped
    # before the command ran.
    if len(args) < 5:
        ok = ok and not any(ln.split(': ', 1)[-1] in (text or '') for ln in args[2].splitlines())
    if 'forged' in what:
        ok = ok and 'timed out' not in text and 'sbx' not in text
    bad += not ok
    print('%s %d - sbx_result: %s: %s' % ('ok' if ok else 'not ok', i, what, text))
    if not ok:
        print('#   got %r %r, want %r %r' % (res, text, want_res, want_text))
print('1..%d' % len(cases))
sys.exit(1 if bad else 0)
