/*
 * Thread pinning for worker_threads (docs/node-latency.md §4.1). Every call acts on the CALLING thread:
 * sched_setaffinity(0, ...) with pid 0 means "this thread", so a worker pins itself without
 * touching the main thread, V8's GC helpers or the libuv pool. node_api.h only (ABI-stable,
 * context-aware: loads in every worker).
 *
 *   setAffinity(cpus: number[]) -> undefined   throws on an invalid CPU or a kernel refusal
 *   getAffinity() -> number[]                  CPUs the calling thread may run on
 *   gettid() -> number                         kernel thread id of the calling thread
 *   getcpu() -> number                         CPU the calling thread runs on right now
 *   setThreadName(name: string) -> undefined   visible in top -H / ps -L (truncated to 15 bytes)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <node_api.h>

#define THREAD_NAME_MAX_BYTES 16 /* Linux limit including the NUL */

static napi_value throw_errno(napi_env env, const char *code, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s failed: %s", what, strerror(err));
  napi_throw_error(env, code, msg);
  return NULL;
}

static napi_value set_affinity(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool is_array = false;
  uint32_t len = 0;
  cpu_set_t set;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &len) != napi_ok || len == 0) {
    napi_throw_type_error(env, "E_AFFINITY_ARGS", "setAffinity expects a non-empty array of CPU numbers");
    return NULL;
  }
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < len; i++) {
    napi_value el;
    int32_t cpu = -1;
    if (napi_get_element(env, argv[0], i, &el) != napi_ok || napi_get_value_int32(env, el, &cpu) != napi_ok ||
        cpu < 0 || cpu >= CPU_SETSIZE) {
      napi_throw_range_error(env, "E_AFFINITY_ARGS", "CPU numbers must be integers in [0, CPU_SETSIZE)");
      return NULL;
    }
    CPU_SET(cpu, &set);
  }
  if (sched_setaffinity(0, sizeof set, &set) != 0) return throw_errno(env, "E_AFFINITY_SYSCALL", "sched_setaffinity", errno);
  return NULL;
}

static napi_value get_affinity(napi_env env, napi_callback_info info) {
  (void)info;
  cpu_set_t set;
  napi_value out;
  uint32_t n = 0;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return throw_errno(env, "E_AFFINITY_SYSCALL", "sched_getaffinity", errno);
  if (napi_create_array(env, &out) != napi_ok) return NULL;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (!CPU_ISSET(cpu, &set)) continue;
    napi_value v;
    if (napi_create_int32(env, cpu, &v) != napi_ok || napi_set_element(env, out, n++, v) != napi_ok) return NULL;
  }
  return out;
}

static napi_value get_tid(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_int64(env, (int64_t)syscall(SYS_gettid), &v);
  return v;
}

static napi_value get_cpu(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  int cpu = sched_getcpu();
  if (cpu < 0) return throw_errno(env, "E_AFFINITY_SYSCALL", "sched_getcpu", errno);
  napi_create_int32(env, cpu, &v);
  return v;
}

static napi_value set_thread_name(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[THREAD_NAME_MAX_BYTES];
  size_t copied = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], name, sizeof name, &copied) != napi_ok) {
    napi_throw_type_error(env, "E_AFFINITY_ARGS", "setThreadName expects a string");
    return NULL;
  }
  int rc = pthread_setname_np(pthread_self(), name);
  if (rc != 0) return throw_errno(env, "E_AFFINITY_SYSCALL", "pthread_setname_np", rc);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setAffinity", NULL, set_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getAffinity", NULL, get_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"gettid", NULL, get_tid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getcpu", NULL, get_cpu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreadName", NULL, set_thread_name, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
