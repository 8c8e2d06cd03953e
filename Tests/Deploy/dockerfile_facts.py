"""Reads the repository's Dockerfile with BuildKit's own parser (PyPI package `dockerfile`) for
runtime_image_check.sh, so that check replays the file instead of repeating it by hand.

    dockerfile_facts.py static         PASS/FAIL lines for the static properties; exit 1 on a FAIL
    (import) summary()                 the facts manifest_check.py cross-checks
    dockerfile_facts.py facts OUT_DIR  OUT_DIR/facts.sh (shell variables), OUT_DIR/prefix.sh and
                                       OUT_DIR/rest.sh (the runtime stage replayed into $ROOT)

prefix.sh holds the runtime stage's instructions before its first COPY (cacheable, like Docker's
layer cache: the check keys its rootfs cache on prefix.sh's text); rest.sh holds the remainder.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import subprocess
import sys

import dockerfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCKERFILE = os.path.join(REPO, "Dockerfile")
# What Docker gives a RUN when the image sets no PATH.
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
REQUIRED_BUILD_FLAGS = ["-c release", "--static-swift-stdlib", "--product mcp-server"]
OCI_LABELS = ["title", "description", "version", "revision", "created"]


def stages() -> list[dict]:
    """The stages: name, base image and instructions (global ARG defaults substituted in FROM)."""
    args: dict[str, str] = {}
    result: list[dict] = []
    for command in dockerfile.parse_file(DOCKERFILE):
        if command.cmd == "ARG" and not result:
            name, _, default = command.value[0].partition("=")
            args[name] = default
        elif command.cmd == "FROM":
            base = re.sub(r"\$\{?(\w+)\}?", lambda match: args.get(match.group(1), ""), command.value[0])
            name = command.value[2] if len(command.value) > 2 else str(len(result))
            result.append({"name": name, "base": base, "commands": []})
        else:
            result[-1]["commands"].append(command)
    return result


def env_pairs(command) -> list[tuple[str, str]]:
    values = command.value
    return [(values[i], " ".join(shlex.split(values[i + 1])) if values[i + 1] else "") for i in range(0, len(values), 2)]


def build_command(builder: dict) -> list[str]:
    """The words of the builder's `swift build` command."""
    for command in builder["commands"]:
        if command.cmd == "RUN" and "swift build" in command.value[0]:
            segment = command.value[0][command.value[0].index("swift build"):]
            return shlex.split(re.split(r"&&|;|\|\|", segment)[0])
    return []


def build_swiftc(builder: dict) -> str | None:
    """The file of the repository the builder's `SWIFT_EXEC` runs: ENV SWIFT_EXEC set before the
    `swift build` RUN to the path a COPY of the builder put that file at."""
    copied: dict[str, str] = {}
    for command in builder["commands"]:
        if command.cmd == "RUN" and "swift build" in command.value[0]:
            return None
        if command.cmd == "COPY" and not command.flags and len(command.value) == 2:
            source, dest = command.value
            copied[os.path.join(dest, os.path.basename(source)) if dest.endswith("/") else dest] = source
        if command.cmd == "ENV" and "SWIFT_EXEC" in dict(env_pairs(command)):
            return copied.get(dict(env_pairs(command))["SWIFT_EXEC"])
    return None


def summary() -> dict:
    """What other checks compare with the Dockerfile (manifest_check.py): stage names, the
    runtime user's uid/gid, and the last stage's EXPOSE, HEALTHCHECK, USER, WORKDIR and ENV."""
    facts: dict = {"stages": [], "uid": None, "gid": None, "expose": [], "healthcheck": None, "user": None,
                   "workdir": None, "env": {}, "stage_workdir": {}}
    for stage in stages():
        facts["stages"].append(stage["name"])
        facts.update(expose=[], healthcheck=None, user=None, workdir=None, env={})
        for command in stage["commands"]:
            if command.cmd == "WORKDIR":
                facts["workdir"] = facts["stage_workdir"][stage["name"]] = command.value[0]
            elif command.cmd == "EXPOSE":
                facts["expose"] = [int(v.split("/")[0]) for v in command.value if v.split("/")[0].isdigit()]
            elif command.cmd == "HEALTHCHECK":
                facts["healthcheck"] = command.original
            elif command.cmd == "USER":
                facts["user"] = command.value[0]
            elif command.cmd == "ENV":
                facts["env"].update(env_pairs(command))
            elif command.cmd == "RUN":
                if match := re.search(r"useradd\b[^;&|]*?--uid[ =](\d+)", command.value[0]):
                    facts["uid"] = int(match.group(1))
                if match := re.search(r"groupadd\b[^;&|]*?--gid[ =](\d+)", command.value[0]):
                    facts["gid"] = int(match.group(1))
    return facts


def apt_packages(stage: dict) -> list[str]:
    packages: list[str] = []
    for command in stage["commands"]:
        if command.cmd != "RUN":
            continue
        for match in re.finditer(r"apt-get\s+install\s+([^;&|]*)", command.value[0]):
            packages += [word for word in match.group(1).split() if not word.startswith("-")]
    return packages


class DockerIgnore:
    """Docker's .dockerignore rules: each pattern matches a path or any of its parents, the last
    matching pattern wins, `!` re-includes."""

    def __init__(self, path: str):
        self.rules: list[tuple[bool, re.Pattern]] = []
        for line in open(path).read().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                pattern = os.path.normpath(line.lstrip("!").strip("/"))
                self.rules.append((line.startswith("!"), re.compile(self.regex(pattern) + r"\Z")))

    @staticmethod
    def regex(pattern: str) -> str:
        """Go's filepath.Match plus `**` (any number of folders), as Docker reads the file."""
        out, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out, i = out + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                out, i = out + ".*", i + 2
            else:
                out += {"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i]))
                i += 1
        return out

    def excluded(self, path: str) -> bool:
        parts = path.split("/")
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        result = False
        for negate, regex in self.rules:
            if any(regex.match(candidate) for candidate in candidates):
                result = not negate
        return result


def context_files(source: str) -> list[str]:
    """Files under `source` that git tracks or would track (what a clone or a working tree holds)."""
    output = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", source],
                            cwd=REPO, capture_output=True, text=True).stdout
    return [line for line in output.splitlines() if os.path.exists(os.path.join(REPO, line))]


def static() -> int:
    results: list[tuple[str, bool, str]] = []

    def report(name: str, ok: bool, figures: str) -> None:
        results.append((name, ok, figures))
        print(f"{'PASS' if ok else 'FAIL'} dockerfile {name}: {figures}", flush=True)

    all_stages = stages()
    builder, runtime = all_stages[0], all_stages[-1]
    commands = {command.cmd: command for command in runtime["commands"]}  # the last of each kind
    ignore = DockerIgnore(os.path.join(REPO, ".dockerignore"))

    missing, dropped, copied = [], [], 0
    for stage in all_stages:
        for command in stage["commands"]:
            if command.cmd not in ("COPY", "ADD") or any(flag.startswith("--from") for flag in command.flags):
                continue
            for source in command.value[:-1]:
                matches = [name for name in os.listdir(REPO) if fnmatch.fnmatch(name, source)] if "*" in source else (
                    [source] if os.path.exists(os.path.join(REPO, source)) else [])
                if not matches and "*" not in source:
                    missing.append(source)
                for match in matches:
                    files = context_files(match)
                    copied += len(files)
                    dropped += [name for name in files if ignore.excluded(name)]
    report("COPY sources exist and survive .dockerignore", not missing and not dropped and copied > 0,
           f"{copied} files copied; missing {missing}; dropped by .dockerignore {dropped[:5]}")
    must_stay_out = [".git/HEAD", ".build/debug/mcp-server", ".build-static/release/mcp-server", "workspace/a.txt", "logs/a.log",
                     ".env", ".venv/bin/python", "docs/ARCHITECTURE.md", "Sources/X/.build/y", "Tests/Deploy/__pycache__/a.pyc"]
    leaking = [path for path in must_stay_out if not ignore.excluded(path)]
    report(".dockerignore keeps build products, secrets and .git out", not leaking, f"{len(must_stay_out)} probes, in context: {leaking}")

    suite = re.fullmatch(r"(?:docker\.io/)?(?:library/)?debian:(\w+)(?:-slim)?", runtime["base"])
    builder_suite = re.search(r"-(\w+)$", builder["base"])
    report("runtime base is Debian slim of the builder's release", bool(suite and builder_suite and suite.group(1) == builder_suite.group(1)),
           f"builder {builder['base']}, runtime {runtime['base']}")

    user = commands.get("USER").value[0] if "USER" in commands else "0"
    run_text = " ".join(command.value[0] for command in runtime["commands"] if command.cmd == "RUN")
    uid = re.search(r"useradd\b.*--uid\s+(\d+)", run_text)
    report("USER is numeric, non-root and the created user", bool(re.fullmatch(r"[1-9]\d*(:\d+)?", user) and uid
                                                                    and user.split(":")[0] == uid.group(1)),
           f"USER {user}, useradd --uid {uid and uid.group(1)}")

    health = commands.get("HEALTHCHECK")
    words = list(health.value[1:]) if health else []
    report("HEALTHCHECK runs the binary's own probe", bool(health and health.json and words[:2] == ["mcp-server", "healthcheck"]),
           f"{health.original if health else 'none'}")

    env = dict(pair for command in runtime["commands"] if command.cmd == "ENV" for pair in env_pairs(command))
    expose = commands.get("EXPOSE").value[0] if "EXPOSE" in commands else None
    report("EXPOSE matches ENV PORT; production defaults", expose == env.get("PORT") and env.get("ENVIRONMENT") == "production"
           and env.get("HOST") == "0.0.0.0", f"EXPOSE {expose}, ENV {env}")

    stop = commands.get("STOPSIGNAL")
    entry, cmd = commands.get("ENTRYPOINT"), commands.get("CMD")
    report("STOPSIGNAL SIGTERM, exec-form ENTRYPOINT and CMD", bool(stop and stop.value[0] == "SIGTERM" and entry and entry.json and cmd and cmd.json),
           f"STOPSIGNAL {stop and stop.value[0]}, ENTRYPOINT {entry and list(entry.value)}, CMD {cmd and list(cmd.value)}")

    labels = {command.value[i]: command.value[i + 1] for command in runtime["commands"] if command.cmd == "LABEL"
              for i in range(0, len(command.value), 2)}
    absent = [name for name in OCI_LABELS if f"org.opencontainers.image.{name}" not in labels]
    report("OCI labels", not absent, f"{len(labels)} labels, missing {absent}")

    words = build_command(builder)
    flags = " ".join(words[2:])
    absent = [flag for flag in REQUIRED_BUILD_FLAGS if f" {flag} " not in f" {flags} "]
    produced = [command.value[0] for command in runtime["commands"] if command.cmd == "COPY" and "--from=builder" in command.flags]
    report("builder builds the static release binary the runtime copies",
           not absent and bool(produced) and all(path in run_text_of(builder) for path in produced),
           f"swift build {flags}; missing {absent}; runtime copies {produced} from the builder")
    makefile = os.path.join(REPO, "Makefile")
    if os.path.exists(makefile):
        # A make variable may continue over lines ending in a backslash.
        match = re.search(r"^RELEASE_FLAGS\s*:?=\s*(.*)$", open(makefile).read().replace("\\\n", " "), re.M)
        report("Makefile RELEASE_FLAGS equal the Dockerfile's", bool(match) and match.group(1).split() == words[2:],
               f"Makefile {match and match.group(1)!r}, Dockerfile {flags!r}")
    wrapper = build_swiftc(builder)
    made_with = re.search(r'^RELEASE_SWIFTC\s*:?=\s*SWIFT_EXEC="\$\(CURDIR\)/(\S+)"$', open(makefile).read(), re.M) \
        if os.path.exists(makefile) else None
    report("builder compiles with the Makefile's SWIFT_EXEC wrapper, set before `swift build`",
           bool(wrapper and os.access(os.path.join(REPO, wrapper), os.X_OK) and made_with and made_with.group(1) == wrapper),
           f"Dockerfile SWIFT_EXEC from {wrapper!r}, Makefile {made_with and made_with.group(1)!r}")
    return 1 if any(not ok for _, ok, _ in results) else 0


def run_text_of(stage: dict) -> str:
    return " ".join(command.value[0] for command in stage["commands"] if command.cmd == "RUN")


def facts(out: str) -> int:
    all_stages = stages()
    builder, runtime = all_stages[0], all_stages[-1]
    suite = re.search(r"debian:(\w+)", runtime["base"]).group(1)
    env: list[tuple[str, str]] = [("PATH", DEFAULT_PATH)]
    workdir, user = "/", "0:0"
    scripts = {"prefix": ["# runtime stage before its first COPY (generated)"], "rest": ["# the rest of the runtime stage (generated)"]}
    part = "prefix"
    for command in runtime["commands"]:
        lines = scripts[part]
        if command.cmd == "ENV":
            env = [pair for pair in env if pair[0] not in dict(env_pairs(command))] + env_pairs(command)
        elif command.cmd == "WORKDIR":
            workdir = os.path.join(workdir, command.value[0])
            lines.append(f'mkdir -p "$ROOT"{shlex.quote(workdir)}')
        elif command.cmd == "USER":
            user = command.value[0]
        elif command.cmd == "RUN":
            assert user in ("0", "0:0", "root"), "a RUN after USER is not replayed"
            environment = " ".join(shlex.quote(f"{key}={value}") for key, value in [("HOME", "/root"), *env])
            lines.append(f'in_root env -i -C {shlex.quote(workdir)} {environment} /bin/sh -c {shlex.quote(command.value[0])}')
        elif command.cmd in ("COPY", "ADD"):
            part = "rest"
            lines = scripts[part]
            chmod = next((flag.split("=", 1)[1] for flag in command.flags if flag.startswith("--chmod=")), "")
            from_builder = any(flag.startswith("--from") for flag in command.flags)
            source, dest = command.value[0], command.value[-1]
            assert len(command.value) == 2 and not dest.endswith("/"), "only COPY of one file to a file path is replayed"
            host = '"$BINARY"' if from_builder else f'"$REPO"/{shlex.quote(source)}'
            lines.append(f"copy_in {host} {shlex.quote(dest)} {chmod}".rstrip())
    for name, lines in scripts.items():
        with open(os.path.join(out, f"{name}.sh"), "w") as handle:
            handle.write("\n".join(lines) + "\n")
    entry = list(next(c for c in runtime["commands"] if c.cmd == "ENTRYPOINT").value)
    cmd = list(next(c for c in runtime["commands"] if c.cmd == "CMD").value)
    health = list(next(c for c in runtime["commands"] if c.cmd == "HEALTHCHECK").value[1:])
    variables = {
        "SUITE": suite, "RUNTIME_BASE": runtime["base"], "WORKDIR": workdir, "IMAGE_USER": user,
        "BUILD_CMD": shlex.join(build_command(builder)), "BUILD_SWIFT_EXEC": build_swiftc(builder) or "", "APT_PACKAGES": " ".join(apt_packages(runtime)),
        "RUN_ARGS": shlex.join(entry + cmd), "HEALTH_ARGS": shlex.join(health),
        "IMAGE_ENV": " ".join(shlex.quote(f"{key}={value}") for key, value in env),
        "GRACEFUL_TIMEOUT": dict(env).get("GRACEFUL_TIMEOUT", "30"),
        "BINARY_DEST": next(c.value[-1] for c in runtime["commands"] if c.cmd == "COPY" and "--from=builder" in c.flags),
    }
    with open(os.path.join(out, "facts.sh"), "w") as handle:
        handle.writelines(f"{key}={shlex.quote(value)}\n" for key, value in variables.items())
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["static"]:
        sys.exit(static())
    if sys.argv[1:2] == ["facts"] and len(sys.argv) == 3:
        sys.exit(facts(sys.argv[2]))
    sys.exit(__doc__)
