set -eu
NAME=cl1 . "$(dirname "$0")/lib.sh"
start_cluster 3 1
VIGIE_CLUSTER="$CR" build/tests/redis_test cluster > /tmp/cl1.out 2>&1 || true
grep -E "ERROR|LINE|FAILED|PASSED" /tmp/cl1.out | head
