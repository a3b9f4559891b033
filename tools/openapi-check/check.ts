// Compiled with `tsc --strict --noEmit` next to `api.ts`, the types openapi-typescript generates from the
// document (tests/integration/test_openapi_tooling.py). It proves the generated types say what clients rely on.
import type { components, operations, paths } from "./api";

type Schemas = components["schemas"];

// Fixed-length arrays come out as tuples: a price range has exactly two ends, a time range a start and an end.
const range: Schemas["Pricing-Output"]["price_range_fen"] = [8000, 12000];
// @ts-expect-error a price range is [lo, hi], not three numbers
const tooLong: Schemas["Pricing-Output"]["price_range_fen"] = [1, 2, 3];
const hours: NonNullable<Schemas["AvailabilityIn"]["weekly"]>[string] = [["08:00", "18:00"]];
// @ts-expect-error a time range has a start and an end
const halfOpen: NonNullable<Schemas["AvailabilityIn"]["weekly"]>[string] = [["08:00"]];

// Every error answer has the contract's shape.
const error: Schemas["ErrorBody"] = { error: { code: "SLOT_TAKEN", message: "taken" } };
type OrderConflict = operations["booking_create_order"]["responses"][409]["content"]["application/json"];
const conflict: OrderConflict = error;

// Bodies and answers are typed per path and method.
type Login = paths["/v1/auth/wechat"]["post"];
const login: Login["requestBody"]["content"]["application/json"] = { code: "dev:alice", role: "customer" };
type LoginAnswer = Login["responses"][200]["content"]["application/json"];
const userId = (answer: LoginAnswer): string => answer.user.id;

export { conflict, halfOpen, hours, login, range, tooLong, userId };
