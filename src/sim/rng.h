/*
** rng.h: the simulator's pseudo-random numbers.
**
** xoshiro256** (Blackman & Vigna 2018) seeded by SplitMix64: integer
** arithmetic only, so the stream is identical on every machine.  Each
** Monte Carlo trial gets its own stream from (seed, stream index), so the
** results do not depend on the number of threads or on the order in which
** trials run.  Pure: no I/O, no global state.
*/
#ifndef HCC_SIM_RNG_H
#define HCC_SIM_RNG_H

#include <stdint.h>

/* One generator.  Copyable; never all zero (the seeder rules it out). */
struct sim_rng {
  uint64_t s[4];  /* xoshiro256** state */
  int has_spare;  /* the sine branch of the last Box-Muller pair is kept */
  double spare;   /* that value */
};

/* Seed from (seed, stream): SplitMix64 on seed ^ golden * (stream + 1). */
void rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t rng_next(struct sim_rng *r);

/* Uniform on the open interval (0, 1) (53 bits, never 0 or 1). */
double rng_unif(struct sim_rng *r);

/* Standard normal (Box-Muller: each pair of uniforms gives a cosine value,
** returned now, and a sine value, kept in the generator for the next call;
** deterministic because the cache is part of the generator's state). */
double rng_norm(struct sim_rng *r);

/* Exponential with the given rate (> 0): -log(U) / rate. */
double rng_exp(struct sim_rng *r, double rate);

/* Bernoulli: 1 with probability p. */
int rng_bern(struct sim_rng *r, double p);

/* Poisson with mean mu (>= 0, small: inversion by sequential search). */
int rng_pois(struct sim_rng *r, double mu);

/* Uniform integer in [lo, hi] (inclusive; lo <= hi). */
int64_t rng_int(struct sim_rng *r, int64_t lo, int64_t hi);

#endif
