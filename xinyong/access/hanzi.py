"""Traditional to simplified Chinese for the characters common in organisation names.

A small table, enough for search to forgive a name typed in traditional script
(for example by a visitor from Hong Kong or Taiwan); it is not a general
converter, and a character it lacks is kept as typed.
"""

from __future__ import annotations

_TRADITIONAL = (
    "亞倉傳債價億優儲創劃動務勝勞區協員問單國園團執報場壽學實寧將專對層屬島峽嶺師帳庫"
    "廈廠廣廳彈愛態慶戰揚擁據數時晉書會東條業極構樂樓標橋機檢權歐氣淨測準溫滬滿漁漢潔"
    "潤澤濕濟濤濱瀋瀾灣無熱燈營獸環瓊產畝畫療發監盤碼礦禮稅積穩筆節範築簡粵糧紀紅紙級"
    "紡紹絡絲經綜綠綢維網線緣縣總織義聖聯聽腦臺與興華萬葉藍藝藥蘇蘭處號術衛裝規視觀訂"
    "計訊記設誌證護豐財貨貴買貸費貿資賓賣質賬購贛車軍軟輸辦農週進運達遼還鄉鄭鄰醫銀銷"
    "鋼錄錢錦鍾鎮鐘鐵長門開間閩陝陸陽隊際險隴雜雞雲電響項順題額類顧風飛飯飾養館馬驗體"
    "魚魯鮮鳥鳳鴻鹽麗麥黃點齊齡龍"
)
_SIMPLIFIED = (
    "亚仓传债价亿优储创划动务胜劳区协员问单国园团执报场寿学实宁将专对层属岛峡岭师账库"
    "厦厂广厅弹爱态庆战扬拥据数时晋书会东条业极构乐楼标桥机检权欧气净测准温沪满渔汉洁"
    "润泽湿济涛滨沈澜湾无热灯营兽环琼产亩画疗发监盘码矿礼税积稳笔节范筑简粤粮纪红纸级"
    "纺绍络丝经综绿绸维网线缘县总织义圣联听脑台与兴华万叶蓝艺药苏兰处号术卫装规视观订"
    "计讯记设志证护丰财货贵买贷费贸资宾卖质账购赣车军软输办农周进运达辽还乡郑邻医银销"
    "钢录钱锦钟镇钟铁长门开间闽陕陆阳队际险陇杂鸡云电响项顺题额类顾风飞饭饰养馆马验体"
    "鱼鲁鲜鸟凤鸿盐丽麦黄点齐龄龙"
)
_TABLE = str.maketrans(_TRADITIONAL, _SIMPLIFIED)


def to_simplified(text: str) -> str:
    """``text`` with the traditional characters of the table replaced by simplified ones."""
    return text.translate(_TABLE)
