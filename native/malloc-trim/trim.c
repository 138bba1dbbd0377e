/*
 * malloc_trim(0) for Node.js: gives back to the operating system the memory
 * glibc's allocator holds free inside its arenas. After an ingest, SQLite's
 * page cache, request buffers and worker messages are freed, but the pages
 * sit between live allocations, so the process keeps them resident until
 * something calls malloc_trim, which Node does not expose. Elsewhere than
 * glibc the function answers false and does nothing.
 */
#include <node_api.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

static napi_value Trim(napi_env env, napi_callback_info info) {
  (void)info;
  int released = 0;
#if defined(__GLIBC__)
  released = malloc_trim(0);
#endif
  napi_value result;
  napi_get_boolean(env, released != 0, &result);
  return result;
}

static napi_value Available(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
#if defined(__GLIBC__)
  napi_get_boolean(env, 1, &result);
#else
  napi_get_boolean(env, 0, &result);
#endif
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "trim", NAPI_AUTO_LENGTH, Trim, NULL, &fn);
  napi_set_named_property(env, exports, "trim", fn);
  napi_create_function(env, "available", NAPI_AUTO_LENGTH, Available, NULL, &fn);
  napi_set_named_property(env, exports, "available", fn);
  return exports;
}
