//! What the rest of the workspace says about one file, read by the rules: the template functions
//! whose `Handler` names its functions, what linking a template's functions to code found, and
//! whether the file is test code. The workspace builds it; [`crate::analysis`] passes it on.

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::findings::Related;
use crate::knowledge::front_doors;
use crate::knowledge::manifests::Manifest;
use crate::languages::{FunctionId, Role, SourceFacts};
use crate::templates::functions::{FunctionSpec, Invocation, LinkProblem};

/// What the rest of the workspace says about a file: for a handler file, the template functions
/// whose `Handler` names its functions; for a template, what linking its functions to code found.
#[derive(Clone, Debug, Default)]
pub struct FileContext {
    /// Template functions linked to a function of this file, by the function's name (in name order,
    /// so that what is said of "the first" is the same on every run).
    pub handlers: BTreeMap<String, Vec<HandlerContext>>,
    /// Template functions linked to the file as a whole (a Rust crate's binary: its `service_fn`
    /// handler, whatever its name).
    pub whole_file: Vec<HandlerContext>,
    /// Template functions whose handler loads this file as a local module when it starts (a top-level
    /// import inside the code folder, followed a few modules deep): its imports fail their start.
    pub loaded_by: Vec<HandlerContext>,
    /// For a template: `Handler`/`CodeUri` values that point at no file or function.
    pub link_problems: Vec<LinkProblem>,
    /// Whether the file is test code by its path in the project (see [`is_test_path`]): its
    /// functions are judged only where a template links them.
    pub test_code: bool,
    /// The file itself, for related locations inside it (a helper's call site); `None` when the
    /// analysis runs without a workspace.
    pub path: Option<PathBuf>,
    /// Whether the file lies in the functions folder a `netlify.toml` declares: a Netlify
    /// Function, behind Netlify's proxy rather than API Gateway.
    pub netlify_function: bool,
}

/// A front door other than a REST or HTTP API that a file's code or project shows, for handlers
/// no template links (AWS-BEHAVIOUR, "Other front doors").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShownFrontDoor {
    /// The code reads a WebSocket event (`requestContext.connectionId`, `$connect`): route
    /// responses are not the REST proxy contract; the integration timeout is 29 s and a timed-out
    /// caller gets an error message over the socket, not a 504.
    WebSocket,
    /// A Netlify Function (`netlify.toml`'s functions folder, `@netlify/functions`): Netlify's
    /// proxy answers the client, neither API Gateway's contract nor its 29 s apply.
    Netlify,
    /// The code reads an Application Load Balancer's event (`requestContext.elb`, `ALBEvent`):
    /// the load balancer's contract (`statusDescription`, its header rules) and the function's
    /// own timeout apply, not a REST API's.
    LoadBalancer,
}

/// One template function that runs a handler of this file.
#[derive(Clone, Debug)]
pub struct HandlerContext {
    /// The template that declares the function.
    pub template: PathBuf,
    pub function: std::sync::Arc<FunctionSpec>,
    /// What the function's package holds besides the handler's code; `None` when the workspace
    /// did not look (no code folder inside the roots, a language it does not read).
    pub package: Option<CodePackage>,
}

/// What a function's deployment package holds besides the handler's own code, as far as the
/// files in the workspace tell: the manifests a build installs from, and the modules present.
/// Whether a layer, an image or a build makes it unknown is the function's ([`FunctionSpec`]).
#[derive(Clone, Debug, Default)]
pub struct CodePackage {
    /// The code folder as written from the template's folder (`src/`, `.`), for messages.
    pub folder: String,
    /// Manifests in the code folder and the folders between it and the handler, nearest the
    /// handler first (what `sam build` installs from), with their names as written from the
    /// template's folder.
    pub manifests: Vec<(String, Manifest)>,
    /// Manifests above the code folder, up to the workspace root: a build gatelint does not see
    /// may install from them, so what they declare is unknown rather than missing.
    pub outer: Vec<Manifest>,
    /// Top-level names present in the package: Python modules and packages (`name/`,
    /// `name.py`, extension modules) in the code folder and the handler's folders, Node
    /// packages in their `node_modules` folders (`uuid`, `@scope/name`).
    pub present: HashSet<String>,
}

impl HandlerContext {
    /// The file an invocation is declared in: the template, or an OpenAPI file it includes.
    pub fn declared_in<'a>(&'a self, invocation: &'a Invocation) -> &'a Path {
        invocation.file.as_deref().unwrap_or(&self.template)
    }

    /// Related information pointing at the template line where an invocation is declared.
    pub fn related(&self, invocation: &Invocation) -> Related {
        Related {
            path: self.declared_in(invocation).to_path_buf(),
            range: invocation.range,
            message: format!(
                "{} invokes {} (payload format {})",
                invocation.description,
                self.function.logical_id,
                invocation.payload_version.as_str()
            ),
        }
    }
}

impl CodePackage {
    /// The package of inline code (`InlineCode`, `Code.ZipFile`): the one module, and the
    /// `cfn-response` module CloudFormation adds beside it (`cfnresponse` in Python).
    pub fn inline() -> Self {
        Self {
            folder: "inline code".to_owned(),
            present: ["cfnresponse", "cfn-response"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            ..Self::default()
        }
    }
}

/// Every invocation of the template functions in `contexts`, with the context declaring it.
pub fn invocations_of<'c, 'a>(
    contexts: &'c [&'a HandlerContext],
) -> impl Iterator<Item = (&'a HandlerContext, &'a Invocation)> + 'c
where
    'a: 'c,
{
    contexts.iter().flat_map(|context| {
        context
            .function
            .invocations
            .iter()
            .map(move |invocation| (*context, invocation))
    })
}

impl FileContext {
    /// The context of a file no template links, at `relative` (its path inside the project):
    /// only whether it is test code.
    pub fn for_path(relative: &Path) -> Self {
        Self {
            test_code: is_test_path(relative),
            ..Self::default()
        }
    }

    /// The front door the file's project or code shows, when it is not a REST or HTTP API.
    pub fn shown_front_door(&self, text: &str) -> Option<ShownFrontDoor> {
        if self.netlify_function || front_doors::imports_netlify(text) {
            Some(ShownFrontDoor::Netlify)
        } else if front_doors::shows_websocket_event(text) {
            Some(ShownFrontDoor::WebSocket)
        } else if front_doors::shows_load_balancer_event(text) {
            Some(ShownFrontDoor::LoadBalancer)
        } else {
            None
        }
    }

    /// The template functions that run `function` (a handler of this file, or a helper it
    /// returns through).
    pub fn contexts_of<'a>(
        &'a self,
        facts: &SourceFacts,
        function: FunctionId,
    ) -> Vec<&'a HandlerContext> {
        let handler = function_chain(facts, function)
            .into_iter()
            .map(|id| facts.function(id))
            .find(|function| function.role.is_handler());
        let Some(handler) = handler else {
            return Vec::new();
        };
        self.handlers
            .get(&handler.name)
            .into_iter()
            .flatten()
            .chain(&self.whole_file)
            .collect()
    }
}

/// A function and the helpers/handlers it returns through, up to its handler.
pub fn function_chain(facts: &SourceFacts, function: FunctionId) -> Vec<FunctionId> {
    let mut chain = vec![function];
    let mut current = function;
    // Chains are short; the bound guards against a cycle in malformed input.
    for _ in 0..facts.functions.len() {
        match facts.function(current).role {
            Role::Helper { of } if !chain.contains(&of) => {
                chain.push(of);
                current = of;
            }
            _ => break,
        }
    }
    chain
}

/// Folders that hold a project's tests, mocks and test data.
const TEST_FOLDERS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "__mocks__",
    "fixtures",
    "__fixtures__",
];

/// Whether a file is test code by its path inside the project (`relative`: from the project's
/// root, so that a project checked out under a `tests` folder is not all test code): a file in a
/// `test/`, `tests/`, `__tests__/`, `__mocks__/` or `fixtures/` folder, a `*.test.*` or
/// `*.spec.*` file, Python's `test_*.py`, `*_test.py` and `conftest.py`, Rust's `*_test.rs`, and
/// test runners' set-up files (`jest.setup.js`, `vitest.setup.ts`, `setupTests.ts`).
pub fn is_test_path(relative: &Path) -> bool {
    let mut components: Vec<&str> = relative
        .components()
        .filter_map(|component| match component {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    let Some(file) = components.pop() else {
        return false;
    };
    if components
        .iter()
        .any(|folder| TEST_FOLDERS.contains(folder))
    {
        return true;
    }
    let stem = file.split('.').next().unwrap_or(file);
    let parts: Vec<&str> = file.split('.').collect();
    // `orders.test.ts`, `orders.spec.mjs`, `orders.test.d.ts`: a middle part names it.
    let marked = parts.len() > 2
        && parts[1..parts.len() - 1]
            .iter()
            .any(|part| matches!(*part, "test" | "spec"));
    let python = file.ends_with(".py")
        && (stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest");
    let rust = file.ends_with(".rs") && stem.ends_with("_test");
    // Test runners' set-up files: `jest.setup.js`, `vitest.setup.ts`, `setupTests.ts`.
    let setup = matches!(stem, "jest" | "vitest") && parts.get(1) == Some(&"setup")
        || matches!(stem, "setupTests" | "setup-tests" | "test-setup");
    marked || python || rust || setup
}

#[cfg(test)]
mod tests {
    use super::is_test_path;
    use std::path::Path;

    #[test]
    fn test_paths_by_folder_and_name() {
        for path in [
            "tests/test_app.py",
            "src/handlers/__tests__/orders.js",
            "test/unit/orders.ts",
            "orders/orders.test.ts",
            "orders.spec.mjs",
            "api/test_orders.py",
            "api/orders_test.py",
            "conftest.py",
            "web/__mocks__/client.js",
            "events/fixtures/proxy_event.py",
            "src/handler_test.rs",
            "jest.setup.js",
            "web/vitest.setup.ts",
            "src/setupTests.ts",
        ] {
            assert!(is_test_path(Path::new(path)), "{path}");
        }
        for path in [
            "app.py",
            "src/handlers/orders.js",
            "contest.py",
            "testing_tools/app.py",
            "latest/app.py",
            "src/test.rs",
            "attestation.py",
            "spec.js",
            "jest.js",
            "setup.py",
        ] {
            assert!(!is_test_path(Path::new(path)), "{path}");
        }
    }
}
