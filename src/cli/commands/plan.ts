import { Command } from "commander";
import { planApproveCommand } from "./plan-approve.js";
import { planCheckCommand } from "./plan-check.js";
import { addPlanMakeOptions } from "./plan-make.js";
import { planShowCommand } from "./plan-show.js";
import { planRehearseCommand } from "./rehearse-flags.js";

/** `flyops plan "REQUEST"` makes a plan; its subcommands check, show and approve plan files. */
export function planCommand(): Command {
  const plan = addPlanMakeOptions(new Command("plan").enablePositionalOptions());
  plan.addCommand(planCheckCommand());
  plan.addCommand(planShowCommand());
  plan.addCommand(planApproveCommand());
  plan.addCommand(planRehearseCommand());
  return plan;
}
