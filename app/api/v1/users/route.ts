import { NextResponse } from "next/server";
import { z } from "zod";
import { clientAddress } from "@/lib/auth/client-address";
import { consume } from "@/lib/auth/rate-limit";
import { createUser } from "@/lib/users/create-user";
import { api, readJson } from "../_lib/respond";

// Shapes only; the username and password rules live in lib/users, which names what is wrong.
const ZSignUp = z.strictObject({
  username: z.string({ error: "username is required." }),
  password: z.string({ error: "password is required." }),
});

/** Public sign-up. Limited per client address, so one client cannot mint accounts in bulk. */
export const POST = api(async (request) => {
  const address = clientAddress(request.headers);
  await consume(address ? "signup" : "signup-all", address ?? "all");
  const body = await readJson(request, ZSignUp);
  const user = await createUser({ username: body.username, password: body.password });
  return NextResponse.json({ username: user.username }, { status: 201 });
});
