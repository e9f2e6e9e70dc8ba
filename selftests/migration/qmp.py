#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""qmp.py SOCKET COMMAND [ARGUMENTS-JSON]: one QMP command, its "return"
printed as JSON; exit 1 on an error reply. For migration.sh."""
import json
import socket
import sys


def main():
    sock, cmd = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    f = s.makefile('rw')
    json.loads(f.readline())  # greeting

    def call(name, arguments=None):
        msg = {'execute': name}
        if arguments is not None:
            msg['arguments'] = arguments
        f.write(json.dumps(msg) + '\n')
        f.flush()
        while True:
            reply = json.loads(f.readline())
            if 'event' in reply:
                continue
            return reply

    call('qmp_capabilities')
    reply = call(cmd, args)
    if 'error' in reply:
        print(json.dumps(reply['error']), file=sys.stderr)
        return 1
    print(json.dumps(reply.get('return', {})))
    return 0


if __name__ == '__main__':
    sys.exit(main())
