/*
 * Development probe (not part of the suite): stalls of this virtual machine's CPUs that the guest
 * kernel does not see. One thread per CPU (pinned) spins on CLOCK_MONOTONIC. Whenever it makes no
 * progress for more than 1 ms, it reads its own /proc/thread-self/schedstat: if the time it spent
 * runnable but waiting in the guest's run queue covers at least half of the gap, the guest
 * scheduled something else (guest-explained); otherwise the guest thinks the thread was running,
 * and the virtual CPU itself was not (the host ran something else; this kernel reports no steal
 * time). docs/benchmarks.md, "ffmpeg starts off the event loop", has the figures.
 *
 *   gcc -O2 -pthread -o /tmp/host-stalls bench/dev/host-stalls.c && /tmp/host-stalls 40 2
 *   IDLE=1 /tmp/host-stalls 40 2    # the spinners at SCHED_IDLE, beside a running service
 *
 * Arguments: seconds, threads (one per CPU from CPU 0).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int seconds;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* ms waiting in the run queue so far (the second field of schedstat). */
static double waited_ms(void) {
  unsigned long long run, wait, slices;
  FILE *f = fopen("/proc/thread-self/schedstat", "r");
  if (!f || fscanf(f, "%llu %llu %llu", &run, &wait, &slices) != 3) exit(1);
  fclose(f);
  return wait / 1e6;
}

static void *spin(void *arg) {
  long cpu = (long)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
  if (getenv("IDLE")) {
    struct sched_param p = {0};
    sched_setscheduler(0, SCHED_IDLE, &p);
  }
  double end = now_ms() + seconds * 1000.0, prev = now_ms(), w0 = waited_ms();
  double host_max = 0, host_total = 0, guest_max = 0;
  int host_n = 0, guest_n = 0;
  for (;;) {
    double t = now_ms(), gap = t - prev;
    prev = t;
    if (t > end) break;
    if (gap <= 1.0) continue;
    double w = waited_ms(), dw = w - w0;
    w0 = w;
    if (dw >= gap / 2) {
      guest_n++;
      if (gap > guest_max) guest_max = gap;
    } else {
      host_n++;
      host_total += gap;
      if (gap > host_max) host_max = gap;
    }
    prev = now_ms();
  }
  printf("cpu%ld: gaps > 1 ms: guest run queue %d (max %.1f ms); not seen by the guest %d (max %.1f ms, "
         "total %.0f ms)\n",
         cpu, guest_n, guest_max, host_n, host_max, host_total);
  return NULL;
}

int main(int argc, char **argv) {
  seconds = argc > 1 ? atoi(argv[1]) : 20;
  int n = argc > 2 ? atoi(argv[2]) : 2;
  pthread_t t[64];
  for (long i = 0; i < n && i < 64; i++) pthread_create(&t[i], NULL, spin, (void *)i);
  for (int i = 0; i < n && i < 64; i++) pthread_join(t[i], NULL);
  return 0;
}
