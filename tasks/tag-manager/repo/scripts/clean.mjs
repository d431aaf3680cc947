// Removes dist/ so files deleted from src/ leave no stale compiled modules behind.
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
