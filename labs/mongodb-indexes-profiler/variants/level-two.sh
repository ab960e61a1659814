#!/bin/bash
set -euo pipefail
mongosh --quiet --norc acc_acme --eval 'db.setProfilingLevel(2, {slowms: Number(process.env.SLOWMS)});'
