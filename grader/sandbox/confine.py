"""What the sandbox enforces on the worker: applied by the worker to itself, before any learner code runs.

Each protection is tried on its own and reported in a status dict (it goes into every
report), so a machine that lacks one still grades, and the report says what held:

- resource limits (``setrlimit``): address space, file size, open files, processes, no core
  files; CPU time is armed per call by the worker's loop;
- a different user: when the grader runs as root, the worker becomes an unused,
  unprivileged uid, so the process limit holds and the kata's files (owned by root) cannot
  be written;
- Landlock (Linux 5.13 and newer, no privileges needed): reading only the Python
  installation, the system libraries and the staged submission, writing only its scratch
  folder; no TCP; no signals to processes outside the sandbox (the judge).

This module is loaded into the worker from source (see worker.py): it imports nothing from
the grader.
"""
import ctypes
import importlib
import os
import sys

# Landlock, from <linux/landlock.h>.
_CREATE_RULESET, _ADD_RULE, _RESTRICT_SELF = 444, 445, 446
_RULE_PATH_BENEATH = 1
_EXECUTE, _WRITE_FILE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FILE_RIGHTS_V1 = _EXECUTE | _WRITE_FILE | _READ_FILE
_TRUNCATE, _IOCTL_DEV, _REFER = 1 << 14, 1 << 15, 1 << 13
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_DUMPABLE = 4

#: Modules a learner is likely to import, loaded before the learner's code runs (it saves that
#: code the time, and the worker the file access, later).
PRELOAD = (
    "math cmath random statistics fractions decimal numbers itertools functools collections "
    "collections.abc heapq bisect copy operator contextlib dataclasses enum typing abc time datetime "
    "json re string textwrap pprint traceback linecache inspect weakref array struct io pathlib "
    "numpy.linalg numpy.fft numpy.random numpy.lib.stride_tricks numpy.ma tqdm tqdm.auto "
    "encodings.latin_1 encodings.ascii encodings.utf_16 encodings.utf_32"
).split()


def apply(config) -> dict:
    """Confine this process as ``config`` says; return what held, one short sentence each."""
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    # The folders the worker may read or write, opened now: after a change of user, a path under
    # /root could no longer be opened to name it in a rule.
    read = _EXECUTE | _READ_FILE | _READ_DIR
    rules = [(path, read) for path in config.get("read_paths", [])]
    rules += [(path, None) for path in config.get("write_paths", [])]
    rules += [("/dev/null", _READ_FILE | _WRITE_FILE), ("/dev/urandom", _READ_FILE)]
    opened = []
    for path, rights in rules:
        try:
            opened.append((os.open(path, os.O_PATH | os.O_CLOEXEC), os.path.isdir(path), rights))
        except OSError:
            pass  # a path this machine does not have
    status = {"user": _change_user(config)}
    try:
        status["filesystem"] = _landlock(opened)
    finally:
        for fd, _, _ in opened:
            os.close(fd)
    status["limits"] = _resource_limits(config)  # last: the steps above need open files
    os.chdir(config["scratch"])
    return status


def _resource_limits(config) -> str:
    try:
        import resource
    except ImportError:
        return "no resource limits on this system"
    wanted = [("core files", "RLIMIT_CORE", 0), ("address space", "RLIMIT_AS", config.get("memory_bytes")),
              ("file size", "RLIMIT_FSIZE", config.get("file_size_bytes")),
              ("open files", "RLIMIT_NOFILE", config.get("open_files"))]
    processes = config.get("processes")
    if processes is not None:
        already = 0 if (os.geteuid() == 0 and config.get("uid") is not None) else _processes_of(os.getuid())
        wanted.append(("processes", "RLIMIT_NPROC", already + processes))
    held, failed = [], []
    for label, name, value in wanted:
        if value is None or not hasattr(resource, name):
            continue
        limit = getattr(resource, name)
        try:
            hard = resource.getrlimit(limit)[1]
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(limit, (value, value))
            held.append(label)
        except (ValueError, OSError):
            failed.append(label)
    text = "limited: " + ", ".join(held) if held else "no resource limits"
    return text + (f" (could not limit: {', '.join(failed)})" if failed else "")


def _processes_of(uid: int) -> int:
    """How many processes ``uid`` already runs (the process limit counts them all)."""
    count = 0
    try:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        count += 1
                except OSError:
                    pass
    except OSError:
        return 256  # no /proc: leave room rather than refuse to start
    return count


def _change_user(config) -> str:
    uid, gid = config.get("uid"), config.get("gid")
    if os.geteuid() != 0:
        return f"runs as the grader's own user (uid {os.getuid()})"
    if uid is None:
        return "runs as root: no unprivileged user was available"
    # Python may be installed where the new user cannot go (under /root, say): keep a descriptor of
    # every import folder, opened now, and import through /proc/self/fd/N from then on.
    folders = {path: os.open(path, os.O_RDONLY | os.O_DIRECTORY)
               for path in dict.fromkeys(sys.path) if path and os.path.isdir(path)}
    try:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    except OSError as exc:
        raise SystemExit(f"the worker could not become uid {uid}: {exc}") from None
    try:
        ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 1, 0, 0, 0)  # so that /proc/self stays ours
    except (OSError, AttributeError):
        pass
    _reach_through_descriptors(folders)
    return f"runs as the unprivileged uid {uid}"


def _reach_through_descriptors(folders: dict) -> None:
    """Point sys.path and the packages already imported at ``/proc/self/fd/N`` for every folder the
    new user cannot read by its own path."""
    moved = {path: f"/proc/self/fd/{fd}" for path, fd in folders.items() if not os.access(path, os.R_OK | os.X_OK)}
    if not moved or not os.path.isdir(f"/proc/self/fd/{next(iter(folders.values()))}"):
        return

    def through(path):
        for original, replacement in moved.items():
            if path == original or path.startswith(original + os.sep):
                return replacement + path[len(original):]
        return path
    sys.path[:] = [through(p) for p in sys.path]
    for module in list(sys.modules.values()):
        package_path = getattr(module, "__path__", None)
        if isinstance(package_path, list):
            package_path[:] = [through(p) for p in package_path]
    sys.path_importer_cache.clear()


def _landlock(opened) -> str:
    """Confine file access to the ``opened`` folders and files (descriptor, is a folder, rights or None
    for all), and forbid TCP and signals outside the sandbox, where the kernel offers it."""
    if not sys.platform.startswith("linux"):
        return "not confined (Landlock needs Linux)"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syscall = libc.syscall
        syscall.restype = ctypes.c_long
        abi = syscall(ctypes.c_long(_CREATE_RULESET), ctypes.c_void_p(None), ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError):
        return "not confined (no libc access)"
    if abi < 1:
        return f"not confined (Landlock is not available: {os.strerror(ctypes.get_errno())})"
    fs = (1 << 13) - 1
    file_rights = _FILE_RIGHTS_V1
    if abi >= 2:
        fs |= _REFER
    if abi >= 3:
        fs |= _TRUNCATE
        file_rights |= _TRUNCATE
    if abi >= 5:
        fs |= _IOCTL_DEV
        file_rights |= _IOCTL_DEV
    fields = [fs]
    if abi >= 4:
        fields.append(_NET_BIND_TCP | _NET_CONNECT_TCP)
    if abi >= 6:
        fields.append(_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL)
    attr = (ctypes.c_uint64 * len(fields))(*fields)
    ruleset = syscall(ctypes.c_long(_CREATE_RULESET), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                      ctypes.c_uint32(0))
    if ruleset < 0:
        return f"not confined (Landlock refused the rules: {os.strerror(ctypes.get_errno())})"
    try:
        for fd, is_folder, rights in opened:
            rights = fs if rights is None else rights
            rule = _PathBeneath(rights if is_folder else rights & file_rights, fd)
            if syscall(ctypes.c_long(_ADD_RULE), ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                       ctypes.byref(rule), ctypes.c_uint32(0)) < 0:
                return f"not confined (Landlock refused a rule: {os.strerror(ctypes.get_errno())})"
        libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        if syscall(ctypes.c_long(_RESTRICT_SELF), ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            return f"not confined (Landlock could not be enforced: {os.strerror(ctypes.get_errno())})"
    finally:
        os.close(ruleset)
    extras = []
    if abi >= 4:
        extras.append("no TCP")
    if abi >= 6:
        extras.append("no signals outside the sandbox")
    return ("Landlock: reads only Python, system libraries and the submission; writes only its scratch folder"
            + (f"; {', '.join(extras)}" if extras else ""))


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]
