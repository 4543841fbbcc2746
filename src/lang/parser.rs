//! Recursive-descent parser for model and test files.

use super::ast::*;
use super::lexer::{Tok, Token};
use super::source::{Diag, Span};

pub struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Current nesting of blocks, parentheses, operators and `else if` (see `enter`).
    depth: usize,
}

/// Deeper nesting is an error: it keeps the recursive parser, the compiler and the syntax
/// tree's destructor within the stack, whatever the input.
pub const MAX_NESTING: usize = 256;

type PResult<T> = Result<T, Diag>;

const KEYWORDS: &[&str] = &[
    "fn", "override", "import", "const", "struct", "let", "if", "else", "while", "return", "break",
    "continue", "atomic", "true", "false", "null", "test", "source",
];

pub fn parse_module(toks: Vec<Token>) -> PResult<Module> {
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let mut items = Vec::new();
    while !p.at_eof() {
        items.push(p.item()?);
    }
    Ok(Module { items })
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Int(v) => format!("number `{v}`"),
        Tok::Str(s) if s.chars().count() > 64 => {
            format!("string \"{}…\"", s.chars().take(64).collect::<String>())
        }
        Tok::Str(s) => format!("string \"{s}\""),
        Tok::Punct(p) => format!("`{p}`"),
        Tok::Eof => "end of file".into(),
    }
}

impl Parser {
    /// One level deeper; an error past `MAX_NESTING`. Every construct that makes the syntax
    /// tree deeper (a block, a parenthesised or argument expression, a prefix operator, a
    /// binary operator or field access added to a chain, an `else if`) enters a level and
    /// leaves it when it is built, so the tree's depth stays below the limit too.
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_NESTING {
            return Err(Diag::at(
                self.span(),
                format!("nesting deeper than {MAX_NESTING} levels"),
            )
            .help("blocks, parentheses, operator chains and `else if` chains count as levels; split the code into functions"));
        }
        self.depth += 1;
        Ok(())
    }
    fn leave(&mut self, levels: usize) {
        self.depth -= levels;
    }
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }
    fn span(&self) -> Span {
        self.toks[self.pos].span
    }
    fn prev_span(&self) -> Span {
        self.toks[self.pos.saturating_sub(1)].span
    }
    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }
    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn unexpected(&self, what: &str) -> Diag {
        Diag::at(
            self.span(),
            format!("expected {what}, found {}", describe(self.peek())),
        )
    }
    fn expect_punct(&mut self, p: &str) -> PResult<Span> {
        if self.is_punct(p) {
            Ok(self.bump().span)
        } else {
            let mut d = self.unexpected(&format!("`{p}`"));
            if p == ";" {
                d = d.help("every statement and declaration ends with `;`");
            }
            Err(d)
        }
    }
    fn ident(&mut self, what: &str) -> PResult<(String, Span)> {
        match self.peek().clone() {
            Tok::Ident(s) if !KEYWORDS.contains(&s.as_str()) => {
                let sp = self.bump().span;
                Ok((s, sp))
            }
            _ => Err(self.unexpected(what)),
        }
    }
    fn string(&mut self, what: &str) -> PResult<(String, Span)> {
        match self.peek().clone() {
            Tok::Str(s) => {
                let sp = self.bump().span;
                Ok((s, sp))
            }
            _ => Err(self.unexpected(what)),
        }
    }
    fn int(&mut self, what: &str) -> PResult<(i64, Span)> {
        let neg = self.is_punct("-");
        if neg {
            self.bump();
        }
        match self.peek().clone() {
            Tok::Int(v) => {
                let sp = self.bump().span;
                Ok((if neg { -v } else { v }, sp))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn item(&mut self) -> PResult<Item> {
        let start = self.span();
        if self.eat_word("import") {
            let (path, sp) = self.string("a model path in quotes, e.g. \"linux-5.10\"")?;
            self.expect_punct(";")?;
            return Ok(Item::Import {
                path,
                span: start.to(sp),
            });
        }
        if self.eat_word("const") {
            let (name, _) = self.ident("a constant name")?;
            self.expect_punct("=")?;
            let value = self.expr()?;
            let end = self.expect_punct(";")?;
            return Ok(Item::Const {
                name,
                value,
                span: start.to(end),
            });
        }
        if self.eat_word("struct") {
            let (name, _) = self.ident("a struct name")?;
            let source = if self.eat_word("source") {
                Some(
                    self.string(
                        "the kernel source it follows, e.g. \"include/linux/mm_types.h@v5.10\"",
                    )?
                    .0,
                )
            } else {
                None
            };
            self.expect_punct("{")?;
            let mut fields = Vec::new();
            let mut typed = Vec::new();
            while !self.is_punct("}") {
                let f = self.ident("a field name")?;
                // `field: TYPE` makes a shared object; bare names a thread-local record.
                if (typed.is_empty() && fields.is_empty() && self.is_punct(":"))
                    || !typed.is_empty()
                {
                    self.expect_punct(":")?;
                    let (ty, tsp) = self.ident("a field type (int, bits, atomic_t, spinlock_t)")?;
                    let len = if self.eat_punct("[") {
                        let (n, nsp) = self.int("the array's length")?;
                        self.expect_punct("]")?;
                        u32::try_from(n)
                            .ok()
                            .filter(|n| (1..=64).contains(n))
                            .ok_or_else(|| Diag::at(nsp, "an array field has 1 to 64 elements"))?
                    } else {
                        1
                    };
                    let init = if self.eat_punct("=") {
                        self.int("the field's initial value")?.0
                    } else {
                        0
                    };
                    let (mut stable, mut refcount, mut guarded_by) = (false, false, None);
                    loop {
                        if self.eat_word("stable") {
                            stable = true;
                        } else if self.eat_word("refcount") {
                            refcount = true;
                        } else if self.eat_word("guarded_by") {
                            let (first, sp) = self.ident("the lock field that guards it")?;
                            guarded_by = Some(if self.eat_punct("->") {
                                let (lock, lsp) = self.ident("the lock field of that object")?;
                                (first, Some(lock), sp.to(lsp))
                            } else {
                                (first, None, sp)
                            });
                        } else {
                            break;
                        }
                    }
                    typed.push(ObjField {
                        name: f.0,
                        span: f.1,
                        ty,
                        ty_span: tsp,
                        init,
                        len,
                        stable,
                        refcount,
                        guarded_by,
                    });
                } else {
                    fields.push(f);
                }
                if !self.eat_punct(",") && !self.eat_punct(";") {
                    break;
                }
            }
            let end = self.expect_punct("}")?;
            self.eat_punct(";");
            if !typed.is_empty() || source.is_some() {
                return Ok(Item::ObjStruct {
                    name,
                    source,
                    fields: typed,
                    span: start.to(end),
                });
            }
            return Ok(Item::Struct {
                name,
                fields,
                span: start.to(end),
            });
        }
        let per_cpu = self.is_word("percpu");
        let is_cache = self.is_word("kmem_cache");
        if self.eat_word("global") || self.eat_word("percpu") || self.eat_word("kmem_cache") {
            let (name, _) = self.ident("a global's name")?;
            self.expect_punct(":")?;
            let (strukt, strukt_span) = self.ident("the struct type of the global")?;
            let cache = if is_cache {
                self.expect_punct("[")?;
                let (n, nsp) = self.int("the number of objects in the cache")?;
                self.expect_punct("]")?;
                Some(
                    u32::try_from(n)
                        .ok()
                        .filter(|n| (1..=63).contains(n))
                        .ok_or_else(|| Diag::at(nsp, "a kmem_cache holds 1 to 63 objects"))?,
                )
            } else {
                None
            };
            let end = self.expect_punct(";")?;
            return Ok(Item::Global {
                name,
                strukt,
                strukt_span,
                span: start.to(end),
                per_cpu,
                cache,
            });
        }
        if self.is_word("override") || self.is_word("fn") {
            let is_override = self.eat_word("override");
            if !self.eat_word("fn") {
                return Err(self.unexpected("`fn` after `override`"));
            }
            let (name, name_span) = self.ident("a function name")?;
            self.expect_punct("(")?;
            let mut params = Vec::new();
            while !self.is_punct(")") {
                params.push(self.ident("a parameter name")?);
                if !self.eat_punct(",") {
                    break;
                }
            }
            self.expect_punct(")")?;
            let source = if self.eat_word("source") {
                Some(
                    self.string("the kernel source it follows, e.g. \"mm/memory.c@v5.10\"")?
                        .0,
                )
            } else {
                None
            };
            let body = self.block()?;
            return Ok(Item::Func(FuncDecl {
                name,
                name_span,
                params,
                body,
                is_override,
                source,
                span: start.to(self.prev_span()),
            }));
        }
        if self.eat_word("invariant") {
            let (name, name_span) = self.ident("the invariant's name")?;
            let for_page = if self.eat_word("for") {
                if !self.eat_word("page") {
                    return Err(self.unexpected("`page` (an invariant may hold `for page p`)"));
                }
                Some(self.ident("the page's name, as in `for page p`")?)
            } else {
                None
            };
            let at_end = if self.eat_word("at") {
                if !self.eat_word("end") {
                    return Err(self.unexpected("`end` (an invariant may be checked `at end`)"));
                }
                true
            } else {
                false
            };
            let (says, _) = self.string("what the invariant says, in quotes")?;
            self.expect_punct("{")?;
            let holds = self.expr()?;
            let end = self.expect_punct("}")?;
            return Ok(Item::Invariant(InvariantDecl {
                name,
                name_span,
                for_page,
                at_end,
                says,
                holds,
                span: start.to(end),
            }));
        }
        if self.eat_word("invariants") {
            if !self.eat_word("default") {
                return Err(
                    self.unexpected("`default` (a model file states `invariants default: SET;`)")
                );
            }
            self.expect_punct(":")?;
            let set = self.invariant_set()?;
            self.expect_punct(";")?;
            return Ok(Item::InvariantsDefault(set));
        }
        if self.eat_word("test") {
            let (name, _) = self.string("the test's name in quotes")?;
            self.expect_punct("{")?;
            let mut items = Vec::new();
            while !self.is_punct("}") {
                if self.at_eof() {
                    return Err(self.unexpected("`}` closing the test"));
                }
                items.push(self.test_item()?);
            }
            let end = self.expect_punct("}")?;
            return Ok(Item::Test(TestDecl {
                name,
                span: start.to(end),
                items,
            }));
        }
        Err(self
            .unexpected(
                "`fn`, `override fn`, `import`, `const`, `struct`, `global`, `invariants default` or `test`",
            )
            .help("a model file holds functions; a test file holds `test \"name\" { ... }` blocks"))
    }

    /// `all` | `default` | NAME (`,` NAME)*, then (`+` | `-`) NAME ...
    fn invariant_set(&mut self) -> PResult<InvariantSet> {
        let start = self.span();
        let base = if self.eat_word("all") {
            InvariantBase::All
        } else if self.eat_word("default") {
            InvariantBase::Default
        } else {
            let mut names = vec![self.ident("`all`, `default` or an invariant name")?];
            while self.eat_punct(",") {
                names.push(self.ident("an invariant name")?);
            }
            InvariantBase::Names(names)
        };
        let mut edits = Vec::new();
        loop {
            let add = if self.eat_punct("+") {
                true
            } else if self.eat_punct("-") {
                false
            } else {
                break;
            };
            let (n, sp) = self.ident("an invariant name")?;
            edits.push((add, n, sp));
        }
        Ok(InvariantSet {
            base,
            edits,
            span: start.to(self.prev_span()),
        })
    }

    fn words_in_braces(&mut self) -> PResult<Vec<(String, Span)>> {
        let mut v = Vec::new();
        if self.eat_punct("{") {
            while !self.is_punct("}") {
                v.push(self.ident("a flag name")?);
                self.eat_punct(",");
            }
            self.expect_punct("}")?;
        }
        Ok(v)
    }

    /// `mmN`, a number of an address space.
    fn mm_name(name: &str) -> Option<i64> {
        name.strip_prefix("mm").and_then(|n| n.parse::<i64>().ok())
    }

    fn target(&mut self) -> PResult<Target> {
        let (mut vma, mut sp) = self.ident("a VMA name")?;
        // `mm1:X`: the page X of address space 1
        let mut mm = None;
        if let Some(n) = Self::mm_name(&vma)
            && self.eat_punct(":")
        {
            mm = Some((n, sp));
            (vma, sp) = self.ident("a VMA name")?;
        }
        let mut index = 0;
        let mut span = sp;
        if self.eat_punct("[") {
            index = self.int("a page index")?.0;
            span = sp.to(self.expect_punct("]")?);
        }
        Ok(Target {
            mm,
            vma,
            index,
            span,
        })
    }

    fn test_item(&mut self) -> PResult<TestItem> {
        let start = self.span();
        let word = match self.peek() {
            Tok::Ident(s) => s.clone(),
            _ => {
                return Err(self.unexpected(
                    "a test item (kernel, import, cpus, frames, tables, mms, vma, page, pte, pmd, tlb, knob, cpuN, invariants, expect)",
                ));
            }
        };
        let simple = |this: &mut Parser, item: TestItem| -> PResult<TestItem> {
            this.expect_punct(";")?;
            Ok(item)
        };
        match word.as_str() {
            "kernel" | "import" => {
                self.bump();
                let (s, sp) = self.string("a model name in quotes")?;
                let item = if word == "kernel" {
                    TestItem::Kernel(s, sp)
                } else {
                    TestItem::Import(s, sp)
                };
                simple(self, item)
            }
            "cpus" | "frames" | "tables" | "mms" | "swap_slots" => {
                self.bump();
                let (n, sp) = self.int("a number")?;
                let item = match word.as_str() {
                    "cpus" => TestItem::Cpus(n, sp),
                    "swap_slots" => TestItem::SwapSlots(n, sp),
                    "frames" => TestItem::Frames(n, sp),
                    "mms" => TestItem::Mms(n, sp),
                    _ => TestItem::Tables(n, sp),
                };
                simple(self, item)
            }
            "vma" | "hole" => {
                let hole = word == "hole";
                self.bump();
                let what = if hole { "a name for the range" } else { "a VMA name" };
                let (mut name, mut name_sp) = self.ident(what)?;
                // `vma mm1:Z ...`: a VMA that only address space 1 has
                let mut mm = None;
                if let Some(n) = Self::mm_name(&name) {
                    if hole || !self.eat_punct(":") {
                        return Err(Diag::at(
                            name_sp,
                            format!("`{name}` names an address space: call the VMA something else"),
                        ));
                    }
                    mm = Some((n, name_sp));
                    (name, name_sp) = self.ident(what)?;
                    if Self::mm_name(&name).is_some() {
                        return Err(Diag::at(
                            name_sp,
                            format!("`{name}` names an address space: call the VMA something else"),
                        ));
                    }
                }
                let mut pages = 1;
                if self.eat_punct("[") {
                    pages = self.int("the number of pages")?.0;
                    self.expect_punct("]")?;
                }
                let mut at = None;
                if self.eat_word("at") {
                    at = Some(self.int("the VMA's address, in pages (512 pages: one PTE table)")?);
                }
                let mut attrs = Vec::new();
                if !hole {
                    self.expect_punct(":")?;
                    while !self.is_punct(";") {
                        attrs.push(self.ident("a VMA flag (anon private read write uffd_wp ...)")?);
                        self.eat_punct(",");
                    }
                }
                let end = self.expect_punct(";")?;
                Ok(TestItem::Vma {
                    name,
                    pages,
                    at,
                    attrs,
                    hole,
                    mm,
                    span: start.to(end),
                })
            }
            "swap" => {
                self.bump();
                let (name, _) = self.ident("a swap slot name")?;
                self.expect_punct("=")?;
                let (value, _) = self.int("the slot's contents (a number)")?;
                let end = self.expect_punct(";")?;
                Ok(TestItem::Swap {
                    name,
                    value,
                    span: start.to(end),
                })
            }
            "page" => {
                self.bump();
                let (name, _) = self.ident("a page name")?;
                self.expect_punct("=")?;
                let (value, _) = self.int("the page's initial contents (a number)")?;
                let mut props = Vec::new();
                if self.eat_punct("{") {
                    while !self.is_punct("}") {
                        let (k, ksp) = self.ident("a page property (extra_refs)")?;
                        self.expect_punct(":")?;
                        let (v, _) = self.int("a number")?;
                        props.push((k, v, ksp));
                        self.eat_punct(",");
                    }
                    self.expect_punct("}")?;
                }
                let end = self.expect_punct(";")?;
                Ok(TestItem::Page {
                    name,
                    value,
                    props,
                    span: start.to(end),
                })
            }
            "pte" | "pmd" => {
                let huge = word == "pmd";
                self.bump();
                let target = self.target()?;
                self.expect_punct("->")?;
                let page = self.ident("a page name")?;
                // `swap S`: a swap entry; `marker`: a PTE marker (no page)
                let (kind, page) = match page.0.as_str() {
                    "swap" if !huge && !self.is_punct("{") && !self.is_punct(";") => {
                        (Some(page), self.ident("a swap slot name (`swap S = 7;`)")?)
                    }
                    "marker" if !huge => (Some(page.clone()), (String::new(), page.1)),
                    _ => (None, page),
                };
                let flags = self.words_in_braces()?;
                let end = self.expect_punct(";")?;
                Ok(TestItem::Pte {
                    kind,
                    target,
                    page,
                    flags,
                    huge,
                    span: start.to(end),
                })
            }
            "tlb" => {
                self.bump();
                let (c, csp) = self.ident("a CPU name such as cpu2")?;
                let cpu = c
                    .strip_prefix("cpu")
                    .and_then(|n| n.parse::<i64>().ok())
                    .ok_or_else(|| Diag::at(csp, format!("expected a CPU name such as cpu2, found `{c}`")))?;
                self.expect_punct(":")?;
                let target = self.target()?;
                self.expect_punct("->")?;
                let page = self.ident("a page name")?;
                let flags = self.words_in_braces()?;
                let end = self.expect_punct(";")?;
                Ok(TestItem::Tlb {
                    cpu: (cpu, csp),
                    target,
                    page,
                    flags,
                    span: start.to(end),
                })
            }
            "knob" => {
                self.bump();
                let (k, sp) = self.ident("a knob name")?;
                simple(self, TestItem::Knob(k, sp))
            }
            "invariants" => {
                self.bump();
                self.expect_punct(":")?;
                let set = self.invariant_set()?;
                let end = self.expect_punct(";")?;
                Ok(TestItem::Invariants(set, start.to(end)))
            }
            "expect" => {
                self.bump();
                let negated = self.eat_word("no");
                let e = if !negated && self.eat_word("safe") {
                    Expectation::Safe
                } else if self.eat_word("violation") {
                    self.expect_punct("(")?;
                    let (n, _) = self.ident("an invariant name, e.g. lost_write")?;
                    self.expect_punct(")")?;
                    if negated { Expectation::NoViolation(n) } else { Expectation::Violation(n) }
                } else {
                    return Err(self.unexpected("`safe`, `violation(NAME)` or `no violation(NAME)`"));
                };
                let end = self.expect_punct(";")?;
                Ok(TestItem::Expect(e, start.to(end)))
            }
            w if w.starts_with("cpu") && w[3..].parse::<i64>().is_ok() => {
                self.bump();
                let cpu = w[3..].parse::<i64>().unwrap_or(0);
                let mut mm = None;
                if self.eat_word("in") {
                    let (name, sp) = self.ident("an address space such as mm1")?;
                    let n = Self::mm_name(&name).ok_or_else(|| {
                        Diag::at(sp, format!("expected an address space such as mm1, found `{name}`"))
                    })?;
                    mm = Some((n, sp));
                }
                let body = self.block()?;
                Ok(TestItem::Cpu {
                    cpu,
                    mm,
                    body,
                    span: start.to(self.prev_span()),
                })
            }
            _ => Err(self.unexpected(
                "a test item (kernel, import, cpus, frames, tables, mms, vma, page, pte, pmd, tlb, knob, cpuN, invariants, expect)",
            )),
        }
    }

    fn block(&mut self) -> PResult<Block> {
        self.expect_punct("{")?;
        self.enter()?;
        let mut stmts = Vec::new();
        while !self.is_punct("}") {
            if self.at_eof() {
                return Err(self.unexpected("`}`"));
            }
            stmts.push(self.stmt()?);
        }
        self.expect_punct("}")?;
        self.leave(1);
        Ok(stmts)
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        let start = self.span();
        let kind = if self.eat_word("let") {
            let (name, _) = self.ident("a variable name")?;
            let init = if self.eat_punct("=") {
                Some(self.expr()?)
            } else {
                None
            };
            self.expect_punct(";")?;
            StmtKind::Let(name, init)
        } else if self.eat_word("if") {
            return self.if_rest(start);
        } else if self.eat_word("while") {
            let cond = self.expr()?;
            let body = self.block()?;
            StmtKind::While(cond, body)
        } else if self.eat_word("return") {
            let e = if self.is_punct(";") {
                None
            } else {
                Some(self.expr()?)
            };
            self.expect_punct(";")?;
            StmtKind::Return(e)
        } else if self.eat_word("break") {
            self.expect_punct(";")?;
            StmtKind::Break
        } else if self.eat_word("continue") {
            self.expect_punct(";")?;
            StmtKind::Continue
        } else if self.eat_word("atomic") {
            StmtKind::Atomic(self.block()?)
        } else {
            let lhs = self.expr()?;
            let op = if self.eat_punct("=") {
                Some(AssignOp::Set)
            } else if self.eat_punct("+=") {
                Some(AssignOp::Add)
            } else if self.eat_punct("-=") {
                Some(AssignOp::Sub)
            } else if self.eat_punct("|=") {
                Some(AssignOp::Or)
            } else if self.eat_punct("&=") {
                Some(AssignOp::And)
            } else {
                None
            };
            let k = match op {
                Some(op) => {
                    let rhs = self.expr()?;
                    StmtKind::Assign(lhs, op, rhs)
                }
                None => StmtKind::Expr(lhs),
            };
            self.expect_punct(";")?;
            k
        };
        Ok(Stmt {
            kind,
            span: start.to(self.prev_span()),
        })
    }

    fn if_rest(&mut self, start: Span) -> PResult<Stmt> {
        let cond = self.expr()?;
        let then = self.block()?;
        let els = if self.eat_word("else") {
            if self.is_word("if") {
                let s2 = self.span();
                self.bump();
                self.enter()?;
                let nested = self.if_rest(s2)?;
                self.leave(1);
                Some(vec![nested])
            } else {
                Some(self.block()?)
            }
        } else {
            None
        };
        Ok(Stmt {
            kind: StmtKind::If(cond, then, els),
            span: start.to(self.prev_span()),
        })
    }

    pub fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.binary(0)?;
        self.leave(1);
        Ok(e)
    }

    fn binop(&self) -> Option<(BinOp, u8)> {
        let Tok::Punct(p) = self.peek() else {
            return None;
        };
        Some(match *p {
            "||" => (BinOp::Or, 1),
            "&&" => (BinOp::And, 2),
            "|" => (BinOp::BitOr, 3),
            "^" => (BinOp::BitXor, 4),
            "&" => (BinOp::BitAnd, 5),
            "==" => (BinOp::Eq, 6),
            "!=" => (BinOp::Ne, 6),
            "<" => (BinOp::Lt, 7),
            "<=" => (BinOp::Le, 7),
            ">" => (BinOp::Gt, 7),
            ">=" => (BinOp::Ge, 7),
            "<<" => (BinOp::Shl, 8),
            ">>" => (BinOp::Shr, 8),
            "+" => (BinOp::Add, 9),
            "-" => (BinOp::Sub, 9),
            "*" => (BinOp::Mul, 10),
            "/" => (BinOp::Div, 10),
            "%" => (BinOp::Rem, 10),
            _ => return None,
        })
    }

    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        let mut chain = 0;
        while let Some((op, prec)) = self.binop() {
            if prec <= min {
                break;
            }
            self.enter()?;
            chain += 1;
            self.bump();
            let rhs = self.binary(prec)?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        self.leave(chain);
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        let start = self.span();
        let op = if self.eat_punct("!") {
            Some(UnOp::Not)
        } else if self.eat_punct("-") {
            Some(UnOp::Neg)
        } else if self.eat_punct("~") {
            Some(UnOp::BitNot)
        } else {
            None
        };
        if let Some(op) = op {
            self.enter()?;
            let e = self.unary()?;
            self.leave(1);
            let span = start.to(e.span);
            return Ok(Expr {
                kind: ExprKind::Unary(op, Box::new(e)),
                span,
            });
        }
        if self.is_punct("*") || self.is_punct("&") {
            let addr = self.eat_punct("&");
            if !addr {
                self.bump();
            }
            self.enter()?;
            let e = self.unary()?;
            self.leave(1);
            let span = start.to(e.span);
            let e = Box::new(e);
            return Ok(Expr {
                kind: if addr {
                    ExprKind::AddrOf(e)
                } else {
                    ExprKind::Deref(e)
                },
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        let mut chain = 0;
        loop {
            if self.is_punct(".") || self.is_punct("->") || self.is_punct("[") {
                self.enter()?;
                chain += 1;
            }
            if self.eat_punct(".") || self.eat_punct("->") {
                let (f, sp) = self.ident("a field name")?;
                let span = e.span.to(sp);
                e = Expr {
                    kind: ExprKind::Field(Box::new(e), f),
                    span,
                };
            } else if self.eat_punct("[") {
                let idx = self.expr()?;
                let end = self.expect_punct("]")?;
                let span = e.span.to(end);
                e = Expr {
                    kind: ExprKind::Index(Box::new(e), Box::new(idx)),
                    span,
                };
            } else {
                self.leave(chain);
                return Ok(e);
            }
        }
    }

    fn primary(&mut self) -> PResult<Expr> {
        let start = self.span();
        match self.peek().clone() {
            Tok::Int(v) => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Int(v),
                    span: start,
                })
            }
            Tok::Punct("(") => {
                self.bump();
                let e = self.expr()?;
                self.expect_punct(")")?;
                Ok(e)
            }
            Tok::Ident(w) if w == "true" || w == "false" => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Bool(w == "true"),
                    span: start,
                })
            }
            Tok::Ident(w) if w == "null" => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Null,
                    span: start,
                })
            }
            Tok::Ident(w) if w == "struct" => {
                self.bump();
                let (name, _) = self.ident("a struct name")?;
                self.expect_punct("{")?;
                let mut fields = Vec::new();
                while !self.is_punct("}") {
                    self.expect_punct(".")?;
                    let (f, _) = self.ident("a field name")?;
                    self.expect_punct("=")?;
                    fields.push((f, self.expr()?));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                let end = self.expect_punct("}")?;
                Ok(Expr {
                    kind: ExprKind::StructLit(name, fields),
                    span: start.to(end),
                })
            }
            Tok::Ident(_) => {
                let (name, sp) = self.ident("an expression")?;
                if self.eat_punct("(") {
                    let mut args = Vec::new();
                    while !self.is_punct(")") {
                        args.push(self.expr()?);
                        if !self.eat_punct(",") {
                            break;
                        }
                    }
                    let end = self.expect_punct(")")?;
                    Ok(Expr {
                        kind: ExprKind::Call(name, args),
                        span: sp.to(end),
                    })
                } else {
                    Ok(Expr {
                        kind: ExprKind::Var(name),
                        span: sp,
                    })
                }
            }
            _ => Err(self.unexpected("an expression")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::lexer::lex;

    fn parse(src: &str) -> PResult<Module> {
        parse_module(lex(0, src)?)
    }

    fn first_fn_body(src: &str) -> Block {
        match parse(src).expect("parses").items.remove(0) {
            Item::Func(f) => f.body,
            _ => panic!("not a function"),
        }
    }

    #[test]
    fn precedence_follows_c() {
        let body = first_fn_body("fn f() { return a | b & c == d + e * g; }");
        let StmtKind::Return(Some(e)) = &body[0].kind else {
            panic!()
        };
        // a | (b & (c == (d + (e * g))))
        let ExprKind::Binary(BinOp::BitOr, _, rhs) = &e.kind else {
            panic!("{e:?}")
        };
        let ExprKind::Binary(BinOp::BitAnd, _, rhs) = &rhs.kind else {
            panic!()
        };
        let ExprKind::Binary(BinOp::Eq, _, rhs) = &rhs.kind else {
            panic!()
        };
        let ExprKind::Binary(BinOp::Add, _, rhs) = &rhs.kind else {
            panic!()
        };
        assert!(matches!(rhs.kind, ExprKind::Binary(BinOp::Mul, _, _)));
    }

    #[test]
    fn arrows_and_derefs_parse_like_the_kernel() {
        let body = first_fn_body("fn f(vmf) { vmf->orig_pte = *vmf->pte; }");
        let StmtKind::Assign(lhs, AssignOp::Set, rhs) = &body[0].kind else {
            panic!()
        };
        assert!(matches!(lhs.kind, ExprKind::Field(_, ref f) if f == "orig_pte"));
        assert!(matches!(rhs.kind, ExprKind::Deref(_)));
    }

    #[test]
    fn else_if_chains_nest() {
        let body = first_fn_body(
            "fn f(x) { if x == 1 { return 1; } else if x == 2 { return 2; } else { return 3; } }",
        );
        let StmtKind::If(_, _, Some(els)) = &body[0].kind else {
            panic!()
        };
        assert!(matches!(els[0].kind, StmtKind::If(_, _, Some(_))));
    }

    #[test]
    fn test_blocks_parse_every_item() {
        let m = parse(
            r#"test "t" { kernel "k"; cpus 2; frames 5; vma X[2]: anon private read write;
               page P = 7 { extra_refs: 1 }; pte X[1] -> P { write }; tlb cpu1: X[1] -> P { write dirty };
               knob tlb_evict; cpu0 { X[1] = 3; } expect violation(lost_write); }"#,
        )
        .expect("parses");
        let Item::Test(t) = &m.items[0] else { panic!() };
        assert_eq!(t.items.len(), 10);
    }

    #[test]
    fn errors_say_what_was_expected_and_where() {
        let e = parse("fn f() { let x = ; }").unwrap_err();
        assert!(
            e.message.contains("expected an expression"),
            "{}",
            e.message
        );
        assert_eq!(e.span.map(|s| s.start), Some(17));
        let e = parse("fn f() { x = 1 }").unwrap_err();
        assert!(e.message.contains("expected `;`"), "{}", e.message);
        let e = parse("banana").unwrap_err();
        assert!(e.message.contains("expected `fn`"), "{}", e.message);
    }

    #[test]
    fn lexer_rejects_bad_tokens_with_a_span() {
        assert!(lex(0, "fn f() { return 0x; }").is_err());
        assert!(lex(0, "\"open").is_err());
        assert!(lex(0, "/* open").is_err());
        let e = lex(0, "fn f() { @ }").unwrap_err();
        assert_eq!(e.span.map(|s| s.start), Some(9));
    }
}
