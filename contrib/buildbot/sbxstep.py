# sbxstep.py: a Buildbot build step that runs its command inside sbx.
#
# For master.cfg (Buildbot 3.x; tested with Debian 12's 3.7):
#
#     import sys; sys.path.insert(0, '/usr/local/share/sbx/buildbot')
#     from sbxstep import SbxShellCommand
#     f.addStep(SbxShellCommand(name='test', command=['make', 'check'],
#                               sbx_timeout=600, memory='2G', pids=512))
#
# The master wraps the command it sends: the worker is a stock
# buildbot-worker and needs nothing but sbx on its PATH (or `sbx=` naming
# it).  See README in this directory for the arguments, how sbx's exit
# statuses become Buildbot results, and why the wrapping is done here.

import json
import re
import shlex

from twisted.internet import defer

from buildbot.process import buildstep
from buildbot.process.results import EXCEPTION, FAILURE, SUCCESS
from buildbot.steps.worker import CompositeStepMixin

# Signal names for the summaries (Linux x86 and arm numbering).
_SIGNALS = {1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP',
            6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL',
            10: 'SIGUSR1', 11: 'SIGSEGV', 12: 'SIGUSR2', 13: 'SIGPIPE',
            14: 'SIGALRM', 15: 'SIGTERM', 24: 'SIGXCPU', 25: 'SIGXFSZ',
            31: 'SIGSYS'}

# What a program says when an allocation or a fork was refused.  With a
# cgroup the memory limit kills (the report's oom-killed says so); without
# one sbx stands in with RLIMIT_AS and RLIMIT_NPROC, which make malloc and
# fork fail instead, and these messages are the only trace of it.
_MEMORY_MSG = re.compile(r'MemoryError|Cannot allocate memory|[Oo]ut of memory|'
                         r'std::bad_alloc|memory exhausted|failed to allocate')
_FORK_MSG = re.compile(r'Cannot fork|[Cc]an\'t fork|fork: Resource temporarily '
                       r'unavailable|fork failed|Resource temporarily unavailable')

# Printed by the command's first process, from inside the sandbox, so the
# step's log shows where it ran: the host name, the capabilities and the
# seccomp mode as the command sees them.
_BANNER = ('printf "sbx-step: hostname %s; %s; %s; %s\\n" "$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)" '
           '"$(grep ^CapEff: /proc/self/status | tr -s "\\t" " ")" '
           '"$(grep ^Seccomp: /proc/self/status | tr -s "\\t" " ")" '
           '"$(grep ^NoNewPrivs: /proc/self/status | tr -s "\\t" " ")"')


def _describe_limits(report):
    """'memory 64 MiB by rlimit, pids 20 by rlimit' from a status report."""
    parts = []
    for name, lim in sorted((report or {}).get('limits', {}).items()):
        mx = lim.get('max')
        if name == 'memory' and isinstance(mx, int):
            mx = '%g MiB' % (mx / 1048576)
        parts.append('%s %s by %s' % (name, mx, lim.get('how')))
    return ', '.join(parts)


def _report_message(report):
    """sbx's own message from its report: 'sbx: ERROR (hint: HINT)'."""
    text = 'sbx: ' + str(report['error'])
    if report.get('hint'):
        text += ' (hint: ' + str(report['hint']) + ')'
    return text


def sbx_result(rc, report, stderr, output, before_run=False):
    """Map sbx's exit status, its status report and the command's output to a
    Buildbot result and a one-line summary.  A function of its own so that it
    can be tested without a master.

    The command's exit status passes through sbx, so a hostile step can exit
    124 or 125 itself, and print a fake `sbx: ` line: the status alone says
    nothing of who failed.  So, when this run's report is there (`report`,
    its exit-code the step's), its fields decide: `sbx-failed` (EXCEPTION,
    with its `error` and `hint`), `timed-out`, `oom-killed`, `signal`; the
    command's stderr is never the summary.  Without a report, sbx's own
    failure is believed only when sbx stopped before the command could run
    (`before_run`: the report file was never created, and no banner came
    from inside); then everything on stderr is sbx's.  Anything else without
    a report is the command's FAILURE, by its status alone."""
    if rc == 0:
        return SUCCESS, None
    if report is None:
        if before_run:
            msgs = [ln for ln in stderr.splitlines() if ln.startswith('sbx: ') and 'warning:' not in ln]
            hint = [ln for ln in stderr.splitlines() if ln.startswith('hint: ')]
            text = msgs[-1] if msgs else 'sbx: failed (status %s) before the command ran, without a message' % rc
            if hint:
                text += ' (' + hint[-1] + ')'
            return EXCEPTION, text
        if rc in (124, 125):
            return FAILURE, 'failed with status %d (no status report for this run)' % rc
        report = {}
    if report.get('sbx-failed'):
        if report.get('error'):
            return EXCEPTION, _report_message(report)
        return EXCEPTION, 'sbx: failed (status %s) without a message' % rc
    if report.get('timed-out'):
        return FAILURE, 'timed out after %.0f s (sbx --timeout)' % report.get('wall-time', 0)
    limits = report.get('limits', {})
    if report.get('oom-killed'):
        return FAILURE, 'killed by the memory limit (%s; the out-of-memory killer in its cgroup)' % (
            _describe_limits(report))
    # These two are read from the command's output (an rlimit leaves no
    # other trace), so the command can claim them; they never change the
    # result, only its summary.
    if 'memory' in limits and _MEMORY_MSG.search(output):
        how = limits['memory'].get('how')
        note = ('RLIMIT_AS per process: no cgroup delegated' if how == 'rlimit'
                else 'enforced by ' + str(how))
        verb = 'killed' if rc > 128 else 'stopped'
        return FAILURE, '%s by the memory limit: allocation refused (%s; %s)' % (
            verb, _describe_limits(report), note)
    if 'pids' in limits and _FORK_MSG.search(output):
        how = limits['pids'].get('how')
        note = ('RLIMIT_NPROC: no cgroup delegated' if how and how.startswith('rlimit')
                else 'enforced by ' + str(how))
        return FAILURE, 'stopped by the pids limit: fork refused (%s; %s)' % (
            _describe_limits(report), note)
    # A report names the signal that killed the command (null when it
    # exited, even with 128+N); without one, 128+N is taken for a signal.
    sig = report['signal'] if 'signal' in report else (rc - 128 if rc > 128 else None)
    if isinstance(sig, int) and sig > 0:
        return FAILURE, 'killed by signal %d (%s)' % (sig, _SIGNALS.get(sig, '?'))
    # An exec failure: sbx's message is in the report.
    why = ': ' + _report_message(report) if report.get('error') else ''
    if rc == 126:
        return FAILURE, 'command could not be executed (status 126)' + why
    if rc == 127:
        return FAILURE, 'command not found (status 127)' + why
    return FAILURE, 'failed with status %d' % rc + why


class SbxShellCommand(buildstep.ShellMixin, CompositeStepMixin, buildstep.BuildStep):
    """ShellCommand whose command runs in sbx on the worker.

    sbx arguments: policy ('build'), sbx_timeout (seconds, sbx --timeout),
    memory ('512M'), pids, cpus, net (None: loopback only; 'user', 'host'),
    limits ('strict' or 'best-effort'), sbx_args (more sbx options), sbx (the
    binary on the worker, 'sbx'), banner (True: print the sandbox's host name,
    CapEff, Seccomp and NoNewPrivs first; needs /bin/sh in the sandbox; its
    line in the output also says that the command started),
    die_with_parent (True: sbx --die-with-parent, so that the sandbox ends
    with the worker) and status_log ('sbx-status': the name of the log
    holding sbx's report).
    Every other argument is ShellCommand's.
    """
    name = 'sbx'
    renderables = ['policy', 'memory', 'pids', 'cpus', 'net', 'sbx_timeout', 'sbx_args']

    def __init__(self, policy='build', sbx_timeout=None, memory=None, pids=None,
                 cpus=None, net=None, limits=None, sbx_args=(), sbx='sbx',
                 banner=True, status_log='sbx-status', die_with_parent=True, **kwargs):
        self.policy = policy
        self.sbx_timeout = sbx_timeout
        self.memory = memory
        self.pids = pids
        self.cpus = cpus
        self.net = net
        self.limits = limits
        self.sbx_args = list(sbx_args)
        self.sbx = sbx
        self.banner = banner
        self.status_log = status_log
        self.die_with_parent = die_with_parent
        kwargs = self.setupShellMixin(kwargs)
        super().__init__(**kwargs)

    def _sbx_argv(self, status_file, env):
        argv = [self.sbx]
        if self.policy:
            argv += ['--policy', self.policy]
        for opt, val in (('--timeout', self.sbx_timeout), ('--memory', self.memory),
                         ('--pids', self.pids), ('--cpus', self.cpus),
                         ('--net', self.net), ('--limits', self.limits)):
            if val is not None:
                argv += [opt, str(val)]
        # sbx passes on only an allow-list of the environment: what the
        # builder and the step set is given to the command explicitly.
        for k, v in sorted(env.items()):
            if v is not None:
                argv += ['--setenv', k, str(v)]
        argv += ['--status-json', status_file]
        if self.die_with_parent:
            # A worker that stops or dies takes the step's sandbox with it.
            argv.append('--die-with-parent')
        argv += [str(a) for a in self.sbx_args]
        return argv

    @defer.inlineCallbacks
    def run(self):
        builddir = self.getProperty('builddir')
        status_file = (builddir.rstrip('/') + '/.sbx-status.json') if builddir else '../.sbx-status.json'
        env = dict((yield self.build.render(self.build.builder.config.env)) or {})
        env.update(self.env or {})

        command = self.command
        if isinstance(command, str):
            inner = ['/bin/sh', '-c', (_BANNER + '; ' if self.banner else '') + 'exec /bin/sh -c "$1"',
                     'sbx-step', command]
        else:
            command = [str(a) for a in buildstep.flatten(command, (list, tuple))]
            inner = (['/bin/sh', '-c', _BANNER + '; exec "$@"', 'sbx-step'] + command
                     if self.banner else command)
        argv = self._sbx_argv(status_file, env) + ['--'] + inner

        # An earlier step's report is removed first, so that after the run
        # a missing file means sbx stopped before opening it, which it does
        # before the command starts (and an empty one, that it opened it).
        if builddir:
            yield self.runRmFile(status_file, abandonOnFailure=False)
        cmd = yield self.makeRemoteShellCommand(command=argv, collectStdout=True,
                                                collectStderr=True)
        yield self.runCommand(cmd)
        stdio = yield self.getLog('stdio')

        report = None
        saved, self.workdir = self.workdir, '.'   # status_file is absolute
        try:
            text = yield self.getFileContentFromWorker(status_file)
        finally:
            self.workdir = saved
        if text:
            try:
                report = json.loads(text)
            except ValueError:
                report = None
            # Not this run's, or not a report.
            if not isinstance(report, dict) or report.get('exit-code') != cmd.rc:
                report = None
        # sbx stopped before the command ran: no report file, and no banner
        # from inside (the banner is printed before the command starts, so a
        # command cannot take it back).
        before_run = (report is None and text is None and
                      not (self.banner and re.search(r'^sbx-step: hostname ', cmd.stdout or '', re.M)))
        if report is not None:
            yield self.addCompleteLog(self.status_log, json.dumps(report, indent=2, sort_keys=True) + '\n')
        elif before_run:
            yield stdio.addHeader('sbx-step: sbx stopped before the command ran (no status report)\n')
        else:
            yield stdio.addHeader('sbx-step: no status report from sbx for this run: the result is from the '
                                  'exit status alone, and a 124 or 125 counts as the command\'s own\n')
        yield stdio.finish()

        results, why = sbx_result(cmd.rc, report, cmd.stderr or '',
                                  (cmd.stdout or '') + (cmd.stderr or ''), before_run)
        self.sbx_report = report
        self.setProperty('sbx_status', report, 'SbxShellCommand')
        name = shlex.join(command) if isinstance(command, list) else command
        if len(name) > 60:
            name = name[:57] + '...'
        if why:
            self.descriptionDone = [name + ': ' + why]
        else:
            extra = ''
            if report:
                extra = ' (%.1f s' % report.get('wall-time', 0)
                if report.get('max-rss'):
                    extra += ', max rss %d MiB' % (report['max-rss'] // 1048576)
                extra += ')'
            self.descriptionDone = [name + ' in sbx' + extra]
        return results
