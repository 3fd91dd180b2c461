"""Why a typed formula is refused, in both languages: one entry per ``FormulaError.code`` of the engine
(``ebm_core.landscapes.expressions.MESSAGES``; the English is the engine's own words).  Values taken
from the formula ({name}, {ch}, {bracket}, {op}, {value}, {label}, {open}, {close}) arrive as code spans.
Keys are prefixed "formula_err_"."""

from ebm_core.landscapes.expressions import MESSAGES

_ZH = {
    "not_string": "公式必须是字符串",
    "empty": "公式为空",
    "too_long": "公式太长（{n} 个字符，最多 {max} 个）",
    "character": "不允许的字符 {ch}（只能用半角的字母、数字和符号）",
    "nested": "公式嵌套太深",
    "nested_brackets": "公式嵌套太深（括号超过 {max} 层）",
    "nested_levels": "公式嵌套太深（超过 {max} 层）",
    "too_large": "公式太大（超过 {max} 项）",
    "syntax": "语法错误",  # (Python's own words, {detail}, are English: the caret shows where)
    "syntax_invalid": "语法错误",
    "syntax_unclosed": "语法错误：括号 {bracket} 没有闭合",
    "syntax_unmatched": "语法错误：多出的 {bracket}，前面没有与之配对的左括号",
    "syntax_mismatch": "语法错误：右括号 {close} 与左括号 {open} 不匹配",
    "multiple": "不允许多条语句（只能写一个表达式）",
    "assignment": "不允许赋值",
    "import": "不允许导入语句",
    "statement": "不允许语句（{name}）",
    "is_function": "{name} 是函数：调用时请在其后加上括号和参数",
    "name": "不允许的名称 {name}（只能用 x、y、pi、e）",
    "literal": "数字必须是有限值，且绝对值不超过 {max:g}",
    "exponent": "指数必须是绝对值不超过 {max} 的数字",
    "unknown_function": "不允许未知函数 {name}",
    "arity_exact": "函数 {name} 需要恰好 {n} 个参数，实际给了 {got} 个",
    "arity_min": "函数 {name} 至少需要 {n} 个参数，实际给了 {got} 个",
    "call_expression": "不允许调用表达式（只能按名称调用函数）",
    "keyword": "不允许关键字参数 {label}",
    "attribute": "不允许访问属性（{name}）",
    "string": "不允许字符串",
    "constant": "不允许常量 {value}",
    "complex": "不允许复数",
    "operator": "不允许运算符 {op}",
    "boolean": "不允许布尔运算符 {op}",
    "subscript": "不允许下标",
    "lambda": "不允许匿名函数",
    "comprehension": "不允许推导式",
    "comparison": "不允许比较运算",
    "conditional": "不允许条件表达式",
    "walrus": "不允许赋值表达式",
    "fstring": "不允许格式化字符串",
    "starred": "不允许星号参数",
    "list": "不允许列表",
    "tuple": "不允许元组",
    "set": "不允许集合",
    "dict": "不允许字典",
    "await": "不允许等待表达式",
    "yield": "不允许生成器表达式",
    "slice": "不允许切片",
    "expression": "不允许这种表达式（{name}）",
    "internal": "内部错误：意外的 {name}",
}

S: dict[str, dict[str, str]] = {
    **{f"formula_err_{code}": {"en": en, "zh": _ZH[code]} for code, en in MESSAGES.items()},
    "formula_err_at": {"en": " at column {col}", "zh": "（位置 {col}，见下方 ^ 所指）"},
}
