#!/usr/bin/env python3
"""deploy/nginx.conf, made to run on this host in front of local gunicorn instances.

Usage: scripts/nginx_conf.py DIR --listen 127.0.0.1:18000 --upstream 127.0.0.1:18001
                             [--upstream 127.0.0.1:18002 ...] [--source 127.0.0.2]
                             [--stripe-listen 127.0.0.1:12111] [--nginx /usr/sbin/nginx]

Writes DIR/nginx.conf and prints its path. It is the proxy of deploy/compose.yaml with only
what belongs to Docker replaced: the upstream servers (Docker's DNS names, looked up again
with `resolve`) become the given addresses, the listen addresses are the given ones, and the
pid file and nginx's temporary files go to DIR instead of /tmp and /var/lib/nginx. Everything
else (buffering whole requests, the timeouts, the size limits, the forwarded headers) is
deploy/nginx.conf's own, so what runs here is what Compose runs. A line this script replaces
and does not find is an error: deploy/nginx.conf changed, and this script must follow.

--stripe-listen ADDRESS is where the server of Stripe's format at the root listens (the web
processes' STRIPE_ROOT_PORT must be its port: they read it from X-Forwarded-Port); without
it, that server is left out.

--source ADDRESS makes nginx connect to the upstreams from ADDRESS (`proxy_bind`): a loopback
address of its own, such as 127.0.0.2, which the web processes then trust alone
(TRUSTED_PROXIES=127.0.0.2). On one host every client is on 127.0.0.1 too; were the proxy
also 127.0.0.1, a trusted one, a client could name any address in X-Forwarded-For.

Run by scripts/cluster-run (`make cluster`, `make soak`) and tests/ops/test_slow_clients.py:
    nginx -p DIR -c DIR/nginx.conf -g 'daemon off;'
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "deploy" / "nginx.conf"
# Temporary files of the modules nginx has compiled in (their defaults are under
# /var/lib/nginx, which only root may create).
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


class Drift(Exception):
    """deploy/nginx.conf no longer has a line this script replaces."""


def find_nginx() -> str | None:
    """nginx on PATH, or where Debian puts it (/usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
         if os.access(p, os.X_OK)), None)


def _compiled_without(nginx: str | None) -> set[str]:
    """The optional modules of TEMP_PATHS this nginx was built without."""
    if nginx is None:
        return set()
    built = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=30).stderr
    return {name for name in TEMP_PATHS if f"--without-http_{name}_module" in built}


# deploy/nginx.conf's server of Stripe's format at the root, with the blank line and the
# comment above it.
STRIPE_SERVER = r"^\n(?:[ \t]*#.*\n)*([ \t]*)server \{\n[ \t]*listen 12111;\n(?:.*\n)*?\1\}\n"


def _replace(text: str, pattern: str, new: str, *, count: int = 1) -> str:
    result, found = re.subn(pattern, new, text, flags=re.MULTILINE)
    if found != count:
        raise Drift(f"deploy/nginx.conf: expected {count} line(s) matching {pattern!r}, "
                    f"found {found}")
    return result


def render(directory: Path, *, listen: str, upstreams: list[str], source: str | None = None,
           stripe_listen: str | None = None, nginx: str | None = None) -> str:
    """The configuration text (see the module's docstring)."""
    if not upstreams:
        raise ValueError("at least one --upstream")
    text = SOURCE.read_text()
    text = _replace(text, r"^pid \S+;$", f"pid {directory}/nginx.pid;")
    # The upstreams are addresses here: no resolver, no `resolve` (nginx 1.27.3+ only).
    text = _replace(text, r"^(\s*)resolver \S+.*;$",
                    r"\1# (no resolver: the upstreams are addresses)")
    servers = re.findall(r"^(\s*)server \S+ resolve;$", text, flags=re.MULTILINE)
    if not servers:
        raise Drift("deploy/nginx.conf: no `server NAME:PORT resolve;` line in the upstream")
    indent = servers[0]
    text = _replace(text, r"^\s*server \S+ resolve;\n", "", count=len(servers))
    text = _replace(text, r"^(\s*)zone web \S+;$",
                    lambda m: m.group(0) + "".join(f"\n{indent}server {u};" for u in upstreams))
    text = _replace(text, r"^(\s*)listen 8080;$", rf"\1listen {listen};")
    if stripe_listen:
        text = _replace(text, r"^(\s*)listen 12111;$", rf"\1listen {stripe_listen};")
    else:
        text = _replace(text, STRIPE_SERVER, "")
    temp = "".join(f"    {name}_temp_path {directory}/{name};\n" for name in TEMP_PATHS
                   if name not in _compiled_without(nginx))
    text = _replace(text, r"^http \{\n", lambda m: m.group(0) + temp)
    if source:
        text = _replace(text, r"^(\s*)proxy_next_upstream .*;$",
                        lambda m: f"{m.group(0)}\n{m.group(1)}proxy_bind {source};")
    header = (f"# Written by scripts/nginx_conf.py from deploy/nginx.conf: upstreams "
              f"{' '.join(upstreams)}, listening on {listen}"
              + (f", Stripe's format on {stripe_listen}" if stripe_listen else "")
              + (f", connecting from {source}" if source else "") + ".\n")
    return header + text


def write(directory: Path, **options) -> Path:
    """DIR/nginx.conf. DIR is made readable to all: nginx's workers, which run as `nobody`
    when it is started as root, write its temporary files there."""
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    path = directory / "nginx.conf"
    path.write_text(render(directory, **options))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--listen", required=True, help="HOST:PORT nginx listens on")
    parser.add_argument("--upstream", action="append", required=True,
                        help="HOST:PORT of a gunicorn instance (repeat for each)")
    parser.add_argument("--source", help="the address nginx connects to the upstreams from")
    parser.add_argument("--stripe-listen", help="HOST:PORT of Stripe's format at the root "
                        "(the web processes' STRIPE_ROOT_PORT); default: no such server")
    parser.add_argument("--nginx", default=None, help="the nginx binary (its modules decide "
                        "which temporary paths are set; default: found on PATH or /usr/sbin)")
    options = parser.parse_args(argv)
    try:
        path = write(options.directory, listen=options.listen, upstreams=options.upstream,
                     source=options.source, stripe_listen=options.stripe_listen,
                     nginx=options.nginx or find_nginx())
    except Drift as exc:
        print(f"nginx_conf.py: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
