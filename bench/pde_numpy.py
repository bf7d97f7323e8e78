"""NumPy reference for `npm run bench` (issue #5): the same ETDRK4 step as Stepscope's PDE engine, written the
way a NumPy user would (real FFTs, float64), for 2D Navier-Stokes (vorticity) and 1D Kuramoto-Sivashinsky.

    python3 bench/pde_numpy.py time                # JSON: seconds per step for each case, and fft2 512^2
    python3 bench/pde_numpy.py run CASE u0.npy K   # K steps of CASE from u0 (physical, float64), result to stdout as .npy

Conventions match src/core/pde (equations.ts, steppers.ts): k = 2*pi*m/L, the 2/3 dealias mask
|m| <= (2/3)*n/2 - 1 on every axis applied to the nonlinear inputs and output, phi-coefficients by the
Kassam-Trefethen contour mean (M = 32, full unit circle; real part, as the symbols here are real).
"""
import json
import sys
import time

import numpy as np

M = 32


def contour(f, z):
    theta = 2 * np.pi * (np.arange(M) + 0.5) / M
    r = np.exp(1j * theta)
    return np.real(np.mean(f(z[..., None] + r), axis=-1))


def etdrk4_coefficients(lin, h):
    z = h * lin
    E = np.exp(z)
    E2 = np.exp(z / 2)
    Q = h * contour(lambda w: (np.exp(w / 2) - 1) / w, z)
    F1 = h * contour(lambda w: (-4 - w + np.exp(w) * (4 - 3 * w + w**2)) / w**3, z)
    F2 = h * contour(lambda w: (2 + w + np.exp(w) * (w - 2)) / w**3, z)
    F3 = h * contour(lambda w: (-4 - 3 * w - w**2 + np.exp(w) * (4 - w)) / w**3, z)
    return E, E2, Q, F1, F2, F3


def etdrk4_step(v, N, c):
    E, E2, Q, F1, F2, F3 = c
    Nv = N(v)
    a = E2 * v + Q * Nv
    Na = N(a)
    b = E2 * v + Q * Na
    Nb = N(b)
    cc = E2 * a + Q * (2 * Nb - Nv)
    Nc = N(cc)
    return E * v + F1 * Nv + 2 * F2 * (Na + Nb) + F3 * Nc


def mask_1d(n, frac=2 / 3):
    m = np.fft.fftfreq(n, 1 / n)
    return np.abs(m) <= frac * n / 2 - 1


def navier_stokes(n, length=2 * np.pi, nu=1e-3, dt=0.01):
    """omega_t + u.grad omega = nu Lap omega; u = (dy psi, -dx psi), Lap psi = -omega (the preset's defaults)"""
    kx = 2 * np.pi * np.fft.rfftfreq(n, 1 / n) / length
    ky = 2 * np.pi * np.fft.fftfreq(n, 1 / n) / length
    KX, KY = np.meshgrid(kx, ky)
    k2 = KX**2 + KY**2
    inv = np.where(k2 == 0, 0, 1 / np.where(k2 == 0, 1, k2))
    mask = mask_1d(n)[:, None] & (np.abs(np.fft.rfftfreq(n, 1 / n)) <= (2 / 3) * n / 2 - 1)[None, :]
    coefficients = etdrk4_coefficients(-nu * k2, dt)

    def N(w):
        wm = w * mask
        u = np.fft.irfft2(1j * KY * inv * wm, s=(n, n))
        v = np.fft.irfft2(-1j * KX * inv * wm, s=(n, n))
        wx = np.fft.irfft2(1j * KX * wm, s=(n, n))
        wy = np.fft.irfft2(1j * KY * wm, s=(n, n))
        return -np.fft.rfft2(u * wx + v * wy) * mask

    return (lambda u0: np.fft.rfft2(u0)), (lambda w: np.fft.irfft2(w, s=(n, n))), N, coefficients


def kuramoto_sivashinsky(n, length=32 * np.pi, dt=0.25):
    """u_t + u u_x + u_xx + u_xxxx = 0 (the Kassam-Trefethen preset's conventions)"""
    k = 2 * np.pi * np.fft.rfftfreq(n, 1 / n) / length
    mask = np.abs(np.fft.rfftfreq(n, 1 / n)) <= (2 / 3) * n / 2 - 1
    kodd = np.where(np.arange(len(k)) == n // 2, 0, k)
    coefficients = etdrk4_coefficients(k**2 - k**4, dt)

    def N(v):
        u = np.fft.irfft(v * mask, n=n)
        return -0.5j * kodd * np.fft.rfft(u * u) * mask

    return (lambda u0: np.fft.rfft(u0)), (lambda v: np.fft.irfft(v, n=n)), N, coefficients


CASES = {
    "ns256": lambda: navier_stokes(256),
    "ns512": lambda: navier_stokes(512),
    "ks1024": lambda: kuramoto_sivashinsky(1024),
}


def time_case(name, steps):
    forward, _, N, c = CASES[name]()
    n = 1024 if name == "ks1024" else int(name[2:])
    rng = np.random.default_rng(0)
    u0 = rng.standard_normal(n if name == "ks1024" else (n, n))
    v = forward(u0) * 1e-2
    v = etdrk4_step(v, N, c)  # warm-up
    start = time.perf_counter()
    for _ in range(steps):
        v = etdrk4_step(v, N, c)
    return (time.perf_counter() - start) / steps


def main():
    if sys.argv[1] == "time":
        x = np.random.default_rng(1).standard_normal((512, 512)) + 0j
        np.fft.ifft2(np.fft.fft2(x))
        start = time.perf_counter()
        for _ in range(10):
            np.fft.ifft2(np.fft.fft2(x))
        out = {
            "numpy": np.__version__,
            "secondsPerStep": {name: time_case(name, steps) for name, steps in [("ns256", 10), ("ns512", 3), ("ks1024", 200)]},
            "fft2_512_forward_inverse_seconds": (time.perf_counter() - start) / 10,
        }
        print(json.dumps(out))
    elif sys.argv[1] == "run":
        name, path, steps = sys.argv[2], sys.argv[3], int(sys.argv[4])
        forward, inverse, N, c = CASES[name]()
        v = forward(np.load(path))
        for _ in range(steps):
            v = etdrk4_step(v, N, c)
        np.save(sys.stdout.buffer, inverse(v))


if __name__ == "__main__":
    main()
