"""The Dockerfile and its build context, read the way Docker (BuildKit) reads them.

One reading for every caller, so nothing restates the Dockerfile's lists:

* scripts/check-docker-context.sh assembles the build context (the files `.dockerignore`
  lets through, placed where the build stage's COPY lines put them) and loads the package
  there;
* scripts/image-smoke.sh builds the binary in that same assembled context and runs the
  runtime stage's steps in a Debian root filesystem;
* k8s/tests (k8scheck.py) checks the Dockerfile's facts with the same parser.

Command line:
    python3 scripts/docker_context.py assemble DEST   # sync the build stage's /src into DEST
    python3 scripts/docker_context.py files            # list what the context sends
"""

from __future__ import annotations

import filecmp
import fnmatch
import json
import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------
# Dockerfile


class Instruction(NamedTuple):
    keyword: str
    args: str


def instructions(text: str) -> list[Instruction]:
    """(INSTRUCTION, arguments) with continuations joined and comments dropped."""
    out, buf = [], ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        word, _, rest = buf.strip().partition(" ")
        out.append(Instruction(word.upper(), rest.strip()))
        buf = ""
    return out


def stages(text: str) -> list[list[Instruction]]:
    """The instructions of each stage, each list starting with its FROM."""
    result: list[list[Instruction]] = []
    for ins in instructions(text):
        if ins.keyword == "FROM":
            result.append([])
        if result:
            result[-1].append(ins)
    return result


def split_flags(args: str) -> tuple[dict[str, str], list[str]]:
    """`--from=build --chown=1:1 a b` -> ({'from': 'build', 'chown': '1:1'}, ['a', 'b']).
    A JSON array form (`["a", "b"]`) is accepted too."""
    words = shlex.split(args)
    flags = {}
    while words and words[0].startswith("--"):
        name, _, value = words.pop(0)[2:].partition("=")
        flags[name] = value
    rest = " ".join(words)
    if rest.startswith("["):
        return flags, json.loads(rest)
    return flags, words


def exec_form(args: str) -> list[str]:
    """ENTRYPOINT/CMD arguments: the JSON (exec) form, or the shell form wrapped in sh -c."""
    args = args.strip()
    if args.startswith("["):
        return json.loads(args)
    return ["/bin/sh", "-c", args]


def env_pairs(args: str) -> dict[str, str]:
    """ENV k=v [k2=v2...] or the legacy `ENV k v`."""
    words = shlex.split(args)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(w.split("=", 1) for w in words)


def run_command(args: str) -> tuple[dict[str, str], str]:
    """A RUN's flags (--mount=..., --network=...) and its shell command."""
    flags = {}
    rest = args.strip()
    while rest.startswith("--"):
        word, _, rest = rest.partition(" ")
        name, _, value = word[2:].partition("=")
        flags[name] = value
        rest = rest.strip()
    return flags, rest


@dataclass
class Stage:
    """One stage with what a runner needs: base, name, shell, args, and its instructions."""
    base: str
    name: str | None
    instructions: list[Instruction]

    @classmethod
    def parse(cls, block: list[Instruction]) -> "Stage":
        words = block[0].args.split()
        name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
        return cls(words[0], name, block)

    def shell(self) -> list[str]:
        shells = [json.loads(i.args) for i in self.instructions if i.keyword == "SHELL"]
        return shells[-1] if shells else ["/bin/sh", "-c"]

    def arg_defaults(self) -> dict[str, str]:
        out = {}
        for i in self.instructions:
            if i.keyword == "ARG":
                key, _, value = i.args.partition("=")
                out[key.strip()] = value.strip()
        return out

    def last(self, keyword: str) -> str | None:
        found = [i.args for i in self.instructions if i.keyword == keyword]
        return found[-1] if found else None


def parse_stages(text: str) -> list[Stage]:
    return [Stage.parse(block) for block in stages(text)]


# ---------------------------------------------------------------------------------------
# .dockerignore


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as BuildKit's patternmatcher compiles it: `**` spans
    directories, `*` and `?` stay inside one path element, `[...]` is a class."""
    out, i = "^", 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            if pattern[i + 1:i + 2] == "*":
                i += 1
                if pattern[i + 1:i + 2] == "/":
                    i += 1
                    out += "(.*/)?"
                else:
                    out += ".*"
            else:
                out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise ValueError(f".dockerignore: unterminated class in {pattern!r}")
            out += "[" + pattern[i + 1:end].replace("\\", "\\\\") + "]"
            i = end
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + "$")


@dataclass
class DockerIgnore:
    """The patterns of a .dockerignore, in order; the last one that matches decides."""
    rules: list[tuple[bool, str, re.Pattern[str]]] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> "DockerIgnore":
        rules = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            include = line.startswith("!")
            pattern = os.path.normpath(line[1:].strip() if include else line).lstrip("/")
            rules.append((include, pattern, _pattern_regex(pattern)))
        return cls(rules)

    @classmethod
    def load(cls, root: Path = REPO) -> "DockerIgnore":
        path = root / ".dockerignore"
        return cls.parse(path.read_text() if path.exists() else "")

    def excluded(self, path: str) -> bool:
        """Whether the context leaves `path` (relative, `/`-separated) out. A pattern that
        matches a directory matches everything below it, as BuildKit's walker does."""
        parts = path.strip("/").split("/")
        prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        result = False
        for include, _, regex in self.rules:
            if any(regex.match(p) for p in prefixes):
                result = not include
        return result

    def may_include_below(self, directory: str) -> bool:
        """Whether some `!` pattern could bring back a file under an excluded directory."""
        directory = directory.strip("/") + "/"
        for include, pattern, _ in self.rules:
            if not include:
                continue
            literal = re.split(r"[*?\[\\]", pattern, maxsplit=1)[0]
            if literal.startswith(directory) or directory.startswith(literal.rstrip("/") + "/") or not literal:
                return True
        return False


def context_files(root: Path = REPO, ignore: DockerIgnore | None = None) -> list[str]:
    """Every file the build context sends, relative to `root`, sorted."""
    ignore = ignore or DockerIgnore.load(root)
    found = []
    for directory, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(directory, root)
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        dirs[:] = sorted(d for d in dirs
                         if not ignore.excluded(rel_dir + d) or ignore.may_include_below(rel_dir + d))
        for name in files:
            rel = rel_dir + name
            if not ignore.excluded(rel):
                found.append(rel)
    return sorted(found)


# ---------------------------------------------------------------------------------------
# The build stage's source tree


class ContextError(Exception):
    pass


def build_stage(text: str) -> Stage:
    return parse_stages(text)[0]


def workdir(stage: Stage) -> str:
    return stage.last("WORKDIR") or "/"


def placements(text: str, root: Path = REPO) -> dict[str, str]:
    """Where the build stage's COPY lines put each context file: {path under WORKDIR: context path}.
    Fails when a COPY names something the context does not send."""
    stage = build_stage(text)
    sent = context_files(root)
    placed: dict[str, str] = {}
    for ins in stage.instructions:
        if ins.keyword != "COPY":
            continue
        flags, words = split_flags(ins.args)
        if "from" in flags:
            continue
        *sources, dest = words
        if dest.startswith("/"):
            base = os.path.relpath(dest, workdir(stage))
            if base.startswith(".."):
                raise ContextError(f"COPY {ins.args}: destination outside WORKDIR is not supported")
        else:
            base = dest
        base = "" if os.path.normpath(base) == "." else os.path.normpath(base)
        for source in sources:
            source = os.path.normpath(source).lstrip("/")
            matched = [f for f in sent if fnmatch.fnmatchcase(f, source) or f.startswith(source + "/")]
            if not matched:
                why = "is left out by .dockerignore" if (root / source).exists() else "does not exist"
                raise ContextError(f"COPY {source}: {source} {why}")
            for file in matched:
                if file == source or fnmatch.fnmatchcase(file, source):
                    # A file lands in the destination directory (`COPY a ./`) or under its new name.
                    target = os.path.join(base, os.path.basename(file)) if dest.endswith("/") else base
                else:
                    target = os.path.join(base, file[len(source) + 1:])
                placed[os.path.normpath(target)] = file
    return placed


def assemble(dest: Path, root: Path = REPO, keep: tuple[str, ...] = (".build", "Package.resolved")) -> dict[str, str]:
    """Makes `dest` hold exactly the build stage's source tree: copies what changed (with its
    modification time, so incremental builds stay incremental) and deletes everything else
    except the top-level names in `keep`: the build's cache (as the Dockerfile's cache
    mount keeps /src/.build) and the resolution made in it."""
    placed = placements((root / "Dockerfile").read_text(), root)
    dest.mkdir(parents=True, exist_ok=True)
    for target, source in placed.items():
        src, dst = root / source, dest / target
        if dst.is_file() and not dst.is_symlink() and filecmp.cmp(src, dst, shallow=False):
            if os.stat(src).st_mode != os.stat(dst).st_mode:
                shutil.copymode(src, dst)
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.is_dir() and not dst.is_symlink():
            shutil.rmtree(dst)
        shutil.copy2(src, dst)
    wanted = set(placed)
    wanted_dirs = {os.path.dirname(p) for p in placed}
    for p in list(wanted_dirs):
        while p:
            p = os.path.dirname(p)
            wanted_dirs.add(p)
    for directory, dirs, files in os.walk(dest, topdown=True):
        rel_dir = os.path.relpath(directory, dest)
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        if not rel_dir:
            dirs[:] = [d for d in dirs if d not in keep]
        for name in files:
            if rel_dir + name not in wanted and not (not rel_dir and name in keep):
                os.unlink(os.path.join(directory, name))
        for name in list(dirs):
            if (rel_dir + name) not in wanted_dirs:
                shutil.rmtree(os.path.join(directory, name))
                dirs.remove(name)
    return placed


def _main(argv: list[str]) -> int:
    if argv[:1] == ["assemble"] and len(argv) == 2:
        try:
            placed = assemble(Path(argv[1]))
        except ContextError as error:
            print(f"docker context: {error}", file=sys.stderr)
            return 1
        tops = sorted({p.split("/")[0] for p in placed})
        print(f"build context: {len(placed)} files ({', '.join(tops)}) in {argv[1]}")
        return 0
    if argv == ["files"]:
        print("\n".join(context_files()))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
