// Imported first by main.tsx, before any schema is built: zod's JIT probes `new Function("")` when an object
// schema is created, which the built app's Content-Security-Policy (no eval) refuses and reports as a
// `securitypolicyviolation`. jitless mode skips the probe and parses without generated code.

import { z } from 'zod';

z.config({ jitless: true });
