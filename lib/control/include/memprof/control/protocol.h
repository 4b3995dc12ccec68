/* The wire protocol between libmemprof-control.so (inside the profiled process) and `memprof ctl`
 * / `memprof record`, defined once for both sides. Plain C so the preload library can include it.
 *
 *   client: connect to <dir>/<pid>.sock, send one line "dump\n", read one JSON line back:
 *           {"ok":true,"file":"/out/jeprof.4242.3.m1.heap","bytes":18211,...}
 *           {"ok":false,"error":"busy","message":"a dump is in progress"}
 *
 * Requests are text lines (easy to type with socat) of at most MEMPROF_CONTROL_MAX_LINE bytes;
 * answers are one JSON object on one line. Commands: status, activate, deactivate, dump, reset
 * [LG_SAMPLE], stats, gdump on|off. The socket directory is, in order: $MEMPROF_CONTROL_DIR,
 * $XDG_RUNTIME_DIR/memprof, /tmp/memprof-<uid>; mode 0700, socket 0600. */
#ifndef MEMPROF_CONTROL_PROTOCOL_H
#define MEMPROF_CONTROL_PROTOCOL_H

/* A request line longer than this (newline included) is refused and the connection closed. */
#define MEMPROF_CONTROL_MAX_LINE 256
/* A client that sends no complete line within this time is disconnected. */
#define MEMPROF_CONTROL_READ_TIMEOUT_MS 5000

/* Environment read by the library (all optional). */
#define MEMPROF_ENV_CONTROL_DIR "MEMPROF_CONTROL_DIR"         /* socket directory override */
#define MEMPROF_ENV_OUT "MEMPROF_OUT"                         /* dump directory */
#define MEMPROF_ENV_MIN_INTERVAL_MS "MEMPROF_MIN_INTERVAL_MS" /* default 1000 */
#define MEMPROF_ENV_MIN_FREE_MB "MEMPROF_MIN_FREE_MB"         /* free space kept on the dump fs, default 64 */
#define MEMPROF_ENV_LOG "MEMPROF_LOG"                         /* "1": one stderr line per request */
#define MEMPROF_ENV_EVERY_MS "MEMPROF_EVERY_MS"               /* timed dumps, 0 = off */
#define MEMPROF_ENV_STATS "MEMPROF_STATS"                     /* "1": stats JSON next to each dump */
#define MEMPROF_ENV_MANIFEST "MEMPROF_MANIFEST"               /* append one JSON line per dump here */
/* The pid memprof record started; in its descendants (which inherit LD_PRELOAD) the library
 * stays quiet when it has nothing to control, so a shell the program runs prints nothing. */
#define MEMPROF_ENV_MAIN_PID "MEMPROF_MAIN_PID"
#define MEMPROF_ENV_FINAL_ON_SIGNAL "MEMPROF_FINAL_ON_SIGNAL" /* "1": SIGINT/SIGTERM dump first */
/* Statically linked jemalloc: symbol values (hex) from the executable's .symtab, valid only for
 * the executable identified by MEMPROF_STATIC_ID ("dev:inode" of the file), so that a child
 * that inherits the environment but runs another program never calls a wrong address. */
#define MEMPROF_ENV_MALLCTL_ADDR "MEMPROF_MALLCTL_ADDR"
#define MEMPROF_ENV_STATS_PRINT_ADDR "MEMPROF_STATS_PRINT_ADDR"
#define MEMPROF_ENV_STATIC_ID "MEMPROF_STATIC_ID"

/* Error codes in {"ok":false,"error":CODE}. Clients map the refusals to their exit status. */
#define MEMPROF_ERR_BUSY "busy"               /* another dump is running */
#define MEMPROF_ERR_TOO_SOON "too_soon"       /* within the minimum interval since the last dump */
#define MEMPROF_ERR_NO_SPACE "no_space"       /* would leave less than the free-space margin */
#define MEMPROF_ERR_DENIED "denied"           /* peer is neither the owner nor root */
#define MEMPROF_ERR_BAD_REQUEST "bad_request" /* unknown command, bad argument, line too long */
#define MEMPROF_ERR_FAILED "failed"           /* jemalloc refused (mallctl error) */

#endif
