/*
** rng.c: xoshiro256** with a SplitMix64 seeder (see rng.h).
**
** Reference: Blackman D, Vigna S. Scrambled linear pseudorandom number
** generators, ACM TOMS 2021 (https://prng.di.unimi.it/xoshiro256starstar.c,
** public domain).  The first output for seed 0, stream 0 is fixed by a unit
** test, so any change of the stream is noticed.  Invariant: the state is
** never all zero (SplitMix64 cannot give four zero words in a row).
*/
#include "rng.h"

#include <math.h>

/* SplitMix64 step: advances *x and returns the mixed value. */
static uint64_t splitmix64(uint64_t *x) {
  uint64_t z;
  *x += 0x9e3779b97f4a7c15ULL;
  z = *x;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (0x9e3779b97f4a7c15ULL * (stream + 1));
  int i;
  /* Mix once more so neighbouring streams are far apart. */
  x = splitmix64(&x) ^ stream;
  for (i = 0; i < 4; i++) {
    r->s[i] = splitmix64(&x);
  }
  r->has_spare = 0;
  r->spare = 0;
}

/* Rotate left. */
static uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct sim_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double rng_unif(struct sim_rng *r) {
  /* (k + 0.5) / 2^53 for k in [0, 2^53): inside (0, 1). */
  return ((double)(rng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double rng_norm(struct sim_rng *r) {
  double u1;
  double u2;
  double rad;
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  u1 = rng_unif(r);
  u2 = rng_unif(r);
  rad = sqrt(-2.0 * log(u1));
  r->spare = rad * sin(6.283185307179586 * u2);
  r->has_spare = 1;
  return rad * cos(6.283185307179586 * u2);
}

double rng_exp(struct sim_rng *r, double rate) {
  return -log(rng_unif(r)) / rate;
}

int rng_bern(struct sim_rng *r, double p) {
  return rng_unif(r) < p;
}

int rng_pois(struct sim_rng *r, double mu) {
  double u = rng_unif(r);
  double p = exp(-mu);
  double cum = p;
  int k = 0;
  while (u > cum && k < 1000) {
    k++;
    p *= mu / k;
    cum += p;
  }
  return k;
}

int64_t rng_int(struct sim_rng *r, int64_t lo, int64_t hi) {
  uint64_t span = (uint64_t)(hi - lo) + 1;
  return lo + (int64_t)(rng_next(r) % span);
}
