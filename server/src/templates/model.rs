//! The template model: resources indexed by logical id, parameters with their defaults, SAM
//! `Globals`, `Conditions` (kept, never evaluated), and the resolution of intrinsic values to the
//! logical ids and numbers they stand for.

use std::collections::HashMap;

use super::value::{Entry, Value, ValueKind};
use crate::text::TextRange;

/// How the template is written; fixes write new text in the same style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Json,
}

/// What a template file is written as: CloudFormation (with or without SAM), or another tool's
/// configuration read as the stack it deploys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    CloudFormation,
    /// A Serverless Framework `serverless.yml` (see [`super::serverless`]): the model is the
    /// stack the framework deploys, its ranges in the file. Only a fix that replaces a number
    /// written in the file is offered on it; the CloudFormation text other fixes write is no
    /// framework syntax.
    ServerlessFramework,
    /// A Terraform configuration (see [`super::terraform`]): the AWS resources it declares, read
    /// as the CloudFormation types they map to, their ranges in the `.tf` text. Only a fix that
    /// replaces a number written in the file is offered on it.
    Terraform,
    /// An AWS CDK stack file (see [`super::cdk`]), TypeScript/JavaScript or Python: the
    /// constructs it declares, read as the CloudFormation they synthesise, their ranges in the
    /// stack file. Only a fix that replaces a number written in the file is offered on it.
    Cdk {
        python: bool,
    },
}

impl Dialect {
    /// How the file spells a setting the messages name in SAM's terms (`Timeout`,
    /// `Globals.Function.Timeout`, `Handler`); other names are the same in every dialect.
    pub fn spelled(self, sam: &'static str) -> &'static str {
        match (self, sam) {
            (Dialect::ServerlessFramework, "Timeout") => "timeout",
            (Dialect::ServerlessFramework, "Globals.Function.Timeout") => "provider.timeout",
            (Dialect::ServerlessFramework, "Handler") => "handler",
            (Dialect::ServerlessFramework, "ReservedConcurrentExecutions") => "reservedConcurrency",
            (Dialect::Terraform, "Timeout" | "Globals.Function.Timeout") => "timeout",
            (Dialect::Terraform, "Handler") => "handler",
            (Dialect::Terraform, "AWS::Lambda::Permission") => "aws_lambda_permission",
            (Dialect::Terraform, "Principal") => "principal",
            (Dialect::Terraform, "AWS::Lambda::Url") => "aws_lambda_function_url",
            (Dialect::Terraform, "AuthType") => "authorization_type",
            (Dialect::Terraform, "FunctionUrlAuthType") => "function_url_auth_type",
            (Dialect::Terraform, "SelectionPattern") => "selection_pattern",
            (Dialect::Terraform, "TimeoutInMillis") => "timeout_milliseconds",
            (Dialect::Terraform, "the parameter's Default") => "the variable's default",
            (Dialect::Terraform, "ReservedConcurrentExecutions") => {
                "reserved_concurrent_executions"
            }
            (Dialect::Cdk { .. }, "Timeout" | "Globals.Function.Timeout") => "timeout",
            (Dialect::Cdk { .. }, "Handler") => "handler",
            (Dialect::Cdk { .. }, "the parameter's Default") => "the constant",
            (Dialect::Cdk { .. }, "AWS::Lambda::Permission") => "CfnPermission",
            (Dialect::Cdk { .. }, "AWS::Lambda::Url") => "CfnUrl",
            (Dialect::Cdk { .. }, "Principal") => "principal",
            (Dialect::Cdk { python: false }, "SourceArn") => "sourceArn",
            (Dialect::Cdk { python: true }, "SourceArn") => "source_arn",
            (Dialect::Cdk { python: false }, "AuthType") => "authType",
            (Dialect::Cdk { python: true }, "AuthType") => "auth_type",
            (Dialect::Cdk { python: false }, "FunctionUrlAuthType") => "functionUrlAuthType",
            (Dialect::Cdk { python: true }, "FunctionUrlAuthType") => "function_url_auth_type",
            (Dialect::Cdk { python: false }, "ReservedConcurrentExecutions") => {
                "reservedConcurrentExecutions"
            }
            (Dialect::Cdk { python: true }, "ReservedConcurrentExecutions") => {
                "reserved_concurrent_executions"
            }
            (Dialect::Cdk { .. }, "TimeoutInMillis") => "the integration's timeout",
            (Dialect::Cdk { python: false }, "SelectionPattern") => "selectionPattern",
            (Dialect::Cdk { python: true }, "SelectionPattern") => "selection_pattern",
            (_, other) => other,
        }
    }

    /// Where a function's timeout comes from when the file sets none, as a message says it.
    pub fn default_timeout(self) -> &'static str {
        match self {
            Dialect::CloudFormation => "Lambda's default Timeout of 3 s",
            Dialect::Terraform => "Lambda's default timeout of 3 s",
            Dialect::ServerlessFramework => "the Serverless Framework's default timeout of 6 s",
            Dialect::Cdk { .. } => "Lambda's default timeout of 3 s (CDK sets none)",
        }
    }
}

/// A parsed SAM/CloudFormation template.
#[derive(Debug)]
pub struct Template {
    pub syntax: Syntax,
    pub dialect: Dialect,
    pub resources: Vec<Resource>,
    by_id: HashMap<String, usize>,
    pub parameters: HashMap<String, Parameter>,
    /// `Globals` sections by name (`Function`, `Api`, `HttpApi`, ...).
    pub globals: HashMap<String, Value>,
    /// `Conditions`, by name; kept so values under `Fn::If` are known to be conditional.
    pub conditions: HashMap<String, Value>,
    /// Whether the template uses the SAM transform.
    pub is_sam: bool,
    /// The `Resources` mapping itself (where a fix inserts a new resource).
    pub resources_range: Option<TextRange>,
    /// The key range of `Resources` (for a template that has no entries yet).
    pub resources_key_range: Option<TextRange>,
    /// Text the parser could not read; the model may miss what is written there.
    pub unread: Vec<TextRange>,
    /// Template tags of a template that is itself a template (`{{ cookiecutter.x }}`, `#{Name}`,
    /// `@@NAME@@`), blanked out before reading: a value holding one is unknown.
    pub placeholders: Vec<TextRange>,
    /// Resources (indexes into `resources`) whose OpenAPI definition was read from a file of the
    /// project and put in place (see [`super::definitions`]).
    pub included_definitions: Vec<usize>,
    /// A Serverless Framework service's own value tree, which the model is compiled from (see
    /// [`super::serverless`]): compiled again once the files its `${file(...)}` variables read
    /// are known.
    pub source: Option<Value>,
    /// Whether other files may declare resources of the same deployment that this model lacks
    /// (a Terraform file read without the other `.tf` files of its folder): a permission may be
    /// declared there, so the permission rules say nothing.
    pub partial: bool,
    /// The values of `Outputs` (Terraform: `output` blocks and the arguments of modules it does
    /// not read): what the template hands to other stacks and configurations.
    pub outputs: Vec<Value>,
}

/// One resource.
#[derive(Debug)]
pub struct Resource {
    pub logical_id: String,
    pub id_range: TextRange,
    /// The whole resource definition (the value under its logical id).
    pub range: TextRange,
    pub type_name: String,
    pub definition: Value,
    /// Whether part of the definition could not be read: rules say nothing about it.
    pub incomplete: bool,
}

#[derive(Debug)]
pub struct Parameter {
    pub name: String,
    pub name_range: TextRange,
    pub default: Option<Value>,
}

/// A number read from a template, and where it was written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    pub value: f64,
    /// The scalar that holds the number (a parameter's `Default` when reached through `!Ref`).
    pub literal_range: TextRange,
    /// Where the property was written (the `!Ref Param` itself, or the literal).
    pub written_range: TextRange,
    /// Whether it was read from `Globals`.
    pub from_globals: bool,
}

impl Resource {
    pub fn properties(&self) -> Option<&Value> {
        self.definition.get("Properties")
    }

    pub fn property(&self, key: &str) -> Option<&Value> {
        self.properties()?.get(key)
    }

    pub fn property_entry(&self, key: &str) -> Option<&Entry> {
        self.properties()?.entry(key)
    }

    pub fn is(&self, type_name: &str) -> bool {
        self.type_name == type_name
    }

    /// Whether this resource's `Properties` section is a mapping with entries.
    pub fn properties_range(&self) -> Option<TextRange> {
        self.properties().map(|value| value.range)
    }
}

/// The section of `Globals` that applies to a SAM resource type.
pub fn globals_section(type_name: &str) -> Option<&'static str> {
    match type_name {
        "AWS::Serverless::Function" => Some("Function"),
        "AWS::Serverless::Api" => Some("Api"),
        "AWS::Serverless::HttpApi" => Some("HttpApi"),
        "AWS::Serverless::SimpleTable" => Some("SimpleTable"),
        "AWS::Serverless::StateMachine" => Some("StateMachine"),
        _ => None,
    }
}

pub const LAMBDA_FUNCTION_TYPES: [&str; 2] = ["AWS::Serverless::Function", "AWS::Lambda::Function"];

/// The default Lambda function timeout, in seconds, when neither the resource nor `Globals` set it.
pub const DEFAULT_FUNCTION_TIMEOUT_SECONDS: f64 = 3.0;

impl Template {
    /// Builds the model from a template's value tree.
    pub fn from_value(root: Value, syntax: Syntax) -> Template {
        let mut template = Template {
            syntax,
            dialect: Dialect::CloudFormation,
            resources: Vec::new(),
            by_id: HashMap::new(),
            parameters: HashMap::new(),
            globals: HashMap::new(),
            conditions: HashMap::new(),
            is_sam: false,
            resources_range: None,
            resources_key_range: None,
            unread: Vec::new(),
            placeholders: Vec::new(),
            included_definitions: Vec::new(),
            source: None,
            partial: false,
            outputs: Vec::new(),
        };
        let ValueKind::Map(sections) = root.kind else {
            return template;
        };
        for section in sections {
            match section.key.as_str() {
                "Transform" => {
                    let names = match &section.value.kind {
                        ValueKind::Seq(items) => items.iter().filter_map(Value::as_str).collect(),
                        _ => section.value.as_str().into_iter().collect::<Vec<_>>(),
                    };
                    template.is_sam |= names.iter().any(|name| name.starts_with("AWS::Serverless"));
                }
                "Parameters" => {
                    let ValueKind::Map(entries) = section.value.kind else {
                        continue;
                    };
                    for entry in entries {
                        let default = match entry.value.kind {
                            ValueKind::Map(mut fields) => fields
                                .iter()
                                .rposition(|field| field.key == "Default")
                                .map(|at| fields.swap_remove(at).value),
                            _ => None,
                        };
                        template.parameters.insert(
                            entry.key.clone(),
                            Parameter {
                                name: entry.key,
                                name_range: entry.key_range,
                                default,
                            },
                        );
                    }
                }
                "Globals" => {
                    let ValueKind::Map(entries) = section.value.kind else {
                        continue;
                    };
                    for entry in entries {
                        template.globals.insert(entry.key, entry.value);
                    }
                }
                "Conditions" => {
                    let ValueKind::Map(entries) = section.value.kind else {
                        continue;
                    };
                    for entry in entries {
                        template.conditions.insert(entry.key, entry.value);
                    }
                }
                "Outputs" => {
                    let ValueKind::Map(entries) = section.value.kind else {
                        continue;
                    };
                    template
                        .outputs
                        .extend(entries.into_iter().map(|entry| entry.value));
                }
                "Resources" => {
                    template.resources_key_range = Some(section.key_range);
                    template.resources_range = Some(section.value.range);
                    let ValueKind::Map(entries) = section.value.kind else {
                        continue;
                    };
                    for entry in entries {
                        let type_name = entry
                            .value
                            .get("Type")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned();
                        template
                            .by_id
                            .insert(entry.key.clone(), template.resources.len());
                        template.resources.push(Resource {
                            logical_id: entry.key,
                            id_range: entry.key_range,
                            range: entry.value.range,
                            type_name,
                            definition: entry.value,
                            incomplete: false,
                        });
                    }
                }
                _ => {}
            }
        }
        template.is_sam |= template
            .resources
            .iter()
            .any(|resource| resource.type_name.starts_with("AWS::Serverless::"));
        template
    }

    /// The function timeout deployed when neither the function nor `Globals` sets one: Lambda's
    /// 3 s, or the Serverless Framework's 6 s.
    pub fn default_timeout_seconds(&self) -> f64 {
        match self.dialect {
            Dialect::CloudFormation | Dialect::Terraform | Dialect::Cdk { .. } => {
                DEFAULT_FUNCTION_TIMEOUT_SECONDS
            }
            Dialect::ServerlessFramework => super::serverless::DEFAULT_TIMEOUT_SECONDS,
        }
    }

    /// Records the text the parser could not read: a resource whose definition holds some of it
    /// is incomplete; unread text anywhere else leaves the whole template incomplete.
    pub fn mark_unread(&mut self, unread: Vec<TextRange>) {
        for range in &unread {
            if let Some(resource) = self.resources.iter_mut().find(|resource| {
                resource.id_range.start <= range.start && range.end <= resource.range.end
            }) {
                resource.incomplete = true;
            }
        }
        self.unread = unread;
    }

    /// Whether everything outside resources marked incomplete was read: rules may reason about
    /// what the template lacks only then.
    pub fn is_complete(&self) -> bool {
        let unknown_type = self
            .resources
            .iter()
            .any(|resource| resource.incomplete && resource.type_name.is_empty());
        !unknown_type
            && self.unread.iter().all(|range| {
                self.resources.iter().any(|resource| {
                    resource.id_range.start <= range.start && range.end <= resource.range.end
                })
            })
    }

    /// Whether `range` holds a template tag (see [`Template::placeholders`]).
    pub fn holds_placeholder(&self, range: TextRange) -> bool {
        self.placeholders
            .iter()
            .any(|tag| tag.start < range.end && range.start < tag.end)
    }

    pub fn resource(&self, logical_id: &str) -> Option<&Resource> {
        self.by_id.get(logical_id).map(|&at| &self.resources[at])
    }

    pub fn resource_index(&self, logical_id: &str) -> Option<usize> {
        self.by_id.get(logical_id).copied()
    }

    /// A property as the deployed resource sees it: the resource's own, else the one from the
    /// `Globals` section of its SAM type. Returns the value and whether it came from `Globals`.
    pub fn effective_property<'a>(
        &'a self,
        resource: &'a Resource,
        key: &str,
    ) -> Option<(&'a Value, bool)> {
        if let Some(value) = resource.property(key) {
            return Some((value, false));
        }
        let section = globals_section(&resource.type_name)?;
        self.globals
            .get(section)?
            .get(key)
            .map(|value| (value, true))
    }

    /// Reads a number, following `!Ref Param` to the parameter's `Default`.
    pub fn number(&self, value: &Value) -> Option<Number> {
        let literal = self.through_parameter(value)?;
        Some(Number {
            value: literal.as_number()?,
            literal_range: literal.range,
            written_range: value.range,
            from_globals: false,
        })
    }

    /// An effective numeric property (own, `Globals`, or through a parameter default).
    pub fn effective_number(&self, resource: &Resource, key: &str) -> Option<Number> {
        let (value, from_globals) = self.effective_property(resource, key)?;
        let mut number = self.number(value)?;
        number.from_globals = from_globals;
        Some(number)
    }

    /// A value, or the `Default` of the parameter it `!Ref`s.
    pub fn through_parameter<'a>(&'a self, value: &'a Value) -> Option<&'a Value> {
        match value.intrinsic() {
            Some(("Ref", argument)) => {
                let name = argument.as_str()?;
                self.parameters.get(name)?.default.as_ref()
            }
            Some(_) => None,
            None => Some(value),
        }
    }

    /// A value that is plain text whatever it holds (inline code): a literal or a parameter
    /// default, read verbatim, so `${x}` in it is the text's own (a JavaScript template
    /// literal), not a placeholder. A `Fn::Sub` is read as [`Template::string`] reads it.
    pub fn text(&self, value: &Value) -> Option<String> {
        if self.holds_placeholder(value.range) {
            return None;
        }
        if let Some(("Fn::Sub", _)) = value.intrinsic() {
            return self.string(value);
        }
        Some(self.through_parameter(value)?.as_str()?.to_owned())
    }

    /// A string value: a literal, a parameter default, or a `Fn::Sub` whose only variables are
    /// pseudo parameters that do not change its meaning for gatelint (`${AWS::URLSuffix}`).
    pub fn string(&self, value: &Value) -> Option<String> {
        if self.holds_placeholder(value.range) {
            return None;
        }
        if let Some(("Fn::Sub", argument)) = value.intrinsic() {
            let text = argument.as_str()?;
            let text = text.replace("${AWS::URLSuffix}", "amazonaws.com");
            return (!text.contains("${")).then_some(text);
        }
        let text = self.through_parameter(value)?.as_str()?;
        // `${codeuri}` outside `Fn::Sub` is no CloudFormation syntax: a placeholder that a
        // script or test harness substitutes, so the value is unknown.
        let placeholder = text.find("${").is_some_and(|at| text[at..].contains('}'));
        (!placeholder).then(|| text.to_owned())
    }

    /// The Lambda function a value refers to: `!Ref Fn`, `!GetAtt Fn.Arn`, an invocation URI
    /// `!Sub ...functions/${Fn.Arn}/invocations`, `Fn::Join` pieces, an alias or version of the
    /// function (`!Ref FnAliaslive`, `Fn.Alias`, an `AWS::Lambda::Alias`/`Version` resource).
    pub fn function_ref(&self, value: &Value) -> Option<FunctionRef> {
        self.function_ref_within(value, 4)
    }

    fn function_ref_within(&self, value: &Value, depth: usize) -> Option<FunctionRef> {
        if depth == 0 {
            return None;
        }
        let (name, argument) = value.intrinsic()?;
        match name {
            "Ref" => self.function_named(argument.as_str()?, value.range, depth),
            "Fn::GetAtt" => {
                let logical_id = match &argument.kind {
                    ValueKind::Str(text) => text.split('.').next()?.to_owned(),
                    ValueKind::Seq(items) => items.first()?.as_str()?.to_owned(),
                    _ => return None,
                };
                self.function_named(&logical_id, value.range, depth)
            }
            "Fn::Sub" => {
                let (text, variables) = match &argument.kind {
                    ValueKind::Str(text) => (text.as_str(), None),
                    ValueKind::Seq(items) => (items.first()?.as_str()?, items.get(1)),
                    _ => return None,
                };
                sub_variables(text)
                    .find_map(|variable| {
                        let logical_id = variable.split('.').next().unwrap_or(variable);
                        match variables.and_then(|map| map.get(logical_id)) {
                            Some(bound) => self.function_ref_within(bound, depth - 1),
                            None => self.function_named(logical_id, value.range, depth),
                        }
                    })
                    .or_else(|| self.function_by_physical_name(text, value.range))
            }
            "Fn::Join" => argument
                .items()
                .get(1)?
                .items()
                .iter()
                .find_map(|piece| self.function_ref_within(piece, depth - 1)),
            "Fn::If" => {
                // Both branches must name the same function for the reference to be certain.
                let items = argument.items();
                let first = self.function_ref_within(items.get(1)?, depth - 1)?;
                let second = self.function_ref_within(items.get(2)?, depth - 1)?;
                (first.logical_id == second.logical_id).then_some(first)
            }
            _ => None,
        }
    }

    /// The function an invocation URI names by its physical name
    /// (`...:function:${AWS::StackName}-Orders:live/invocations`) when a function of the template
    /// declares that `FunctionName`, written the same way.
    fn function_by_physical_name(&self, uri: &str, range: TextRange) -> Option<FunctionRef> {
        let after = uri.split_once(":function:")?.1;
        let after = after.strip_suffix("/invocations").unwrap_or(after);
        // Cut an alias or version qualifier: the first `:` outside a `${...}` variable.
        let mut depth = 0usize;
        let mut end = after.len();
        let bytes = after.as_bytes();
        for (index, byte) in bytes.iter().enumerate() {
            match byte {
                b'$' if bytes.get(index + 1) == Some(&b'{') => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                b':' if depth == 0 => {
                    end = index;
                    break;
                }
                _ => {}
            }
        }
        let name = &after[..end];
        if name.is_empty() {
            return None;
        }
        self.resources
            .iter()
            .filter(|resource| LAMBDA_FUNCTION_TYPES.contains(&resource.type_name.as_str()))
            .find(|resource| {
                resource.property("FunctionName").is_some_and(|declared| {
                    declared.as_str() == Some(name)
                        || declared.intrinsic().is_some_and(|(call, text)| {
                            call == "Fn::Sub" && text.as_str() == Some(name)
                        })
                })
            })
            .map(|resource| FunctionRef {
                logical_id: resource.logical_id.clone(),
                range,
            })
    }

    fn function_named(&self, name: &str, range: TextRange, depth: usize) -> Option<FunctionRef> {
        // `Fn.Alias` / `Fn.Version`: SAM's references to the auto-published alias and version.
        let name = name
            .strip_suffix(".Alias")
            .or_else(|| name.strip_suffix(".Version"))
            .unwrap_or(name);
        if let Some(resource) = self.resource(name) {
            if LAMBDA_FUNCTION_TYPES.contains(&resource.type_name.as_str()) {
                return Some(FunctionRef {
                    logical_id: resource.logical_id.clone(),
                    range,
                });
            }
            if resource.is("AWS::Lambda::Alias") || resource.is("AWS::Lambda::Version") {
                let target = resource.property("FunctionName")?;
                return self
                    .function_ref_within(target, depth - 1)
                    .map(|found| FunctionRef { range, ..found });
            }
            return None;
        }
        // `FnAliaslive`: the alias SAM generates for `AutoPublishAlias: live`.
        let (function, alias) = name.split_once("Alias")?;
        let resource = self.resource(function)?;
        let published = self
            .effective_property(resource, "AutoPublishAlias")
            .and_then(|(value, _)| self.string(value))?;
        (published == alias).then(|| FunctionRef {
            logical_id: resource.logical_id.clone(),
            range,
        })
    }

    /// The logical ids of template resources named in a value (`!Ref X`, `!GetAtt X.Y`,
    /// `${X}` in a `!Sub`, in `Fn::Join` pieces), in order; for matching `SourceArn`s to APIs.
    pub fn referenced_resources(&self, value: &Value) -> Vec<String> {
        let mut found = Vec::new();
        self.collect_references(value, &mut found, 6);
        found
    }

    fn collect_references(&self, value: &Value, found: &mut Vec<String>, depth: usize) {
        if depth == 0 {
            return;
        }
        match &value.kind {
            ValueKind::Intrinsic(call) => match (call.name.as_str(), &call.argument.kind) {
                ("Ref", ValueKind::Str(name)) => self.push_reference(name, found),
                ("Fn::GetAtt", ValueKind::Str(name)) => self.push_reference(name, found),
                ("Fn::GetAtt", ValueKind::Seq(items)) => {
                    if let Some(name) = items.first().and_then(Value::as_str) {
                        self.push_reference(name, found);
                    }
                }
                ("Fn::Sub", ValueKind::Str(text)) => {
                    sub_variables(text).for_each(|variable| self.push_reference(variable, found))
                }
                ("Fn::Sub", ValueKind::Seq(items)) => {
                    let variables = items.get(1);
                    if let Some(text) = items.first().and_then(Value::as_str) {
                        for variable in sub_variables(text) {
                            match variables.and_then(|map| map.get(variable)) {
                                Some(bound) => self.collect_references(bound, found, depth - 1),
                                None => self.push_reference(variable, found),
                            }
                        }
                    }
                }
                _ => self.collect_references(&call.argument, found, depth - 1),
            },
            ValueKind::Seq(items) => items
                .iter()
                .for_each(|item| self.collect_references(item, found, depth - 1)),
            _ => {}
        }
    }

    fn push_reference(&self, name: &str, found: &mut Vec<String>) {
        // A Terraform address (`aws_api_gateway_rest_api.api`) is a logical id with a dot.
        let logical_id = if self.by_id.contains_key(name) {
            name
        } else {
            name.split('.').next().unwrap_or(name)
        };
        if self.resource(logical_id).is_some() && !found.iter().any(|id| id == logical_id) {
            found.push(logical_id.to_owned());
        }
    }

    /// The indentation unit of a YAML template's resources (`  ` by default), and the column at
    /// which resource logical ids start.
    pub fn resource_indentation(&self, text: &str) -> (usize, String) {
        let column = |offset: usize| {
            let line_start = text[..offset.min(text.len())]
                .rfind('\n')
                .map_or(0, |at| at + 1);
            offset.saturating_sub(line_start)
        };
        let Some(first) = self.resources.first() else {
            return (2, "  ".into());
        };
        let id_column = column(first.id_range.start);
        let unit = first
            .definition
            .entries()
            .first()
            .map(|entry| column(entry.key_range.start).saturating_sub(id_column))
            .filter(|unit| *unit > 0)
            .unwrap_or(2);
        (id_column, " ".repeat(unit))
    }
}

/// A function named by a value; `range` is the range of the referring value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionRef {
    pub logical_id: String,
    pub range: TextRange,
}

/// The `${Name}` / `${Name.Attr}` variables of a `Fn::Sub` string (`${!Literal}` excluded).
pub fn sub_variables(text: &str) -> impl Iterator<Item = &str> {
    text.split("${").skip(1).filter_map(|rest| {
        let name = rest.split('}').next()?;
        (!name.starts_with('!') && !name.is_empty() && rest.contains('}')).then_some(name)
    })
}
