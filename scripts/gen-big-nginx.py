#!/usr/bin/env python3
"""Writes an nginx configuration of about N lines (default 100000) to stdout: many
servers with TLS, headers, upstreams and locations, as a large fleet would have."""
import sys

target = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = ["events {}", "http {", "    server_tokens off;"]
i = 0
while len(out) < target:
    out += [
        f"    upstream app{i} {{ server 127.0.0.1:{3000 + i % 20000}; keepalive 16; }}",
        "    server {",
        "        listen 443 ssl;",
        f"        server_name s{i}.example.com www.s{i}.example.com;",
        f"        ssl_certificate /etc/ssl/s{i}/fullchain.pem;",
        f"        ssl_certificate_key /etc/ssl/s{i}/key.pem;",
        "        ssl_protocols TLSv1.2 TLSv1.3;",
        '        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;',
        "        add_header X-Content-Type-Options nosniff always;",
        "        add_header X-Frame-Options DENY always;",
        "        add_header Content-Security-Policy \"default-src 'self'\" always;",
        "        add_header Referrer-Policy strict-origin-when-cross-origin always;",
        "        location / {",
        f"            proxy_pass http://app{i};",
        "            proxy_http_version 1.1;",
        '            proxy_set_header Connection "";',
        "            proxy_set_header Host $host;",
        "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        }",
        "        location /assets/ {",
        f"            alias /srv/s{i}/public/;",
        "            expires 7d;",
        "            add_header Cache-Control public;" if i % 10 == 0 else "            access_log off;",
        "        }",
        "    }",
    ]
    i += 1
out.append("}")
sys.stdout.write("\n".join(out) + "\n")
